using System.Collections.Immutable;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Persistence.Sql;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Serialization;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Persistence;

/// <summary>
/// Reads runs straight from the journal, without starting their coordinators: the runs manager's
/// registrations give the runs in order, and each run's events folded through RunState give its
/// status. Read-only, so listing runs never resumes or writes anything.
/// </summary>
public static class RunJournal
{
    /// <summary>Reads the runs of a journal from a short-lived local actor system (no remoting, no cluster).</summary>
    public static async Task<IReadOnlyList<RunStatus>> ReadAllAsync(MelmPersistenceOptions persistence)
    {
        var system = CreateLocalSystem("melm-runs", persistence);
        try
        {
            return await ReadAllAsync(system).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A local actor system (no remoting, no cluster) on the given journal with the Melm serializer,
    /// for tools that read or write a journal outside a node.
    /// </summary>
    public static ActorSystem CreateLocalSystem(string name, MelmPersistenceOptions persistence)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        var serialization = SerializationSetup.Create(system => ImmutableHashSet.Create(
            SerializerDetails.Create("melm", new MelmSerializer(system), ImmutableHashSet.Create(typeof(IMelmMessage)))));
        var config = persistence.ToConfig()
            .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"))
            .WithFallback(SqlPersistence.DefaultConfiguration);
        return ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(config).And(serialization));
    }

    /// <summary>Reads the runs of the journal that the given system is configured with.</summary>
    public static async Task<IReadOnlyList<RunStatus>> ReadAllAsync(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer();
        var runIds = new List<string>();
        await journal.CurrentEventsByPersistenceId(RunsManager.PersistenceIdValue, 0, long.MaxValue)
            .RunForeach(envelope => runIds.Add(((RunRegistered)envelope.Event).RunId), materializer)
            .ConfigureAwait(false);
        var statuses = new List<RunStatus>();
        foreach (var runId in runIds)
        {
            var state = new RunState(runId);
            await journal.CurrentEventsByPersistenceId(RunCoordinator.PersistenceIdOf(runId), 0, long.MaxValue)
                .RunForeach(envelope => state.Apply((IRunEvent)envelope.Event), materializer)
                .ConfigureAwait(false);
            statuses.Add(state.Status());
        }
        return statuses;
    }
}
