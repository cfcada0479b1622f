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
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Actors.Persistence;

/// <summary>
/// Reads runs straight from the journal, without starting their coordinators: the runs manager's
/// registrations give the runs in order, and each run's events folded through RunState give its
/// status. Read-only, so listing runs never resumes or writes anything.
/// </summary>
public static class RunJournal
{
    /// <summary>
    /// Reads the runs of a journal from a short-lived local actor system (no remoting, no cluster).
    /// An entry this build cannot read (a newer journal format) is an InputException naming the journal and the entry.
    /// </summary>
    public static async Task<IReadOnlyList<RunStatus>> ReadAllAsync(MelmPersistenceOptions persistence) =>
        [.. (await ReadStatesAsync(persistence).ConfigureAwait(false)).Select(s => s.Status())];

    /// <summary>The runs of a journal as their events fold into RunState (completed keys, not results: ReadResultsAsync), in the order they were registered; errors as ReadAllAsync.</summary>
    public static async Task<IReadOnlyList<RunState>> ReadStatesAsync(MelmPersistenceOptions persistence)
    {
        var system = CreateLocalSystem("melm-runs", persistence);
        try
        {
            return await ReadStatesAsync(system).ConfigureAwait(false);
        }
        catch (Exception e) when (FormatProblem(e) is { } problem)
        {
            throw new InputException(problem.Journal, null, $"journal entry \"{problem.Manifest}\" {problem.Problem}");
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>The JournalFormatException behind an exception that Akka's journal or stream wrapped, if any.</summary>
    private static JournalFormatException? FormatProblem(Exception? e) => e switch
    {
        null => null,
        JournalFormatException format => format,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FormatProblem).FirstOrDefault(p => p is not null),
        _ => FormatProblem(e.InnerException),
    };

    /// <summary>
    /// A local actor system (no remoting, no cluster) on the given journal with the Melm serializer,
    /// for tools that read or write a journal outside a node.
    /// </summary>
    public static ActorSystem CreateLocalSystem(string name, MelmPersistenceOptions persistence)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        var serialization = SerializationSetup.Create(system => ImmutableHashSet.Create(
            SerializerDetails.Create("melm", new MelmSerializer(system, persistence.ToString()), ImmutableHashSet.Create(typeof(IMelmMessage)))));
        var config = persistence.ToConfig()
            .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"))
            .WithFallback(SqlPersistence.DefaultConfiguration);
        return ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(config).And(serialization));
    }

    /// <summary>Reads the runs of the journal that the given system is configured with.</summary>
    public static async Task<IReadOnlyList<RunStatus>> ReadAllAsync(ActorSystem system) =>
        [.. (await ReadStatesAsync(system).ConfigureAwait(false)).Select(s => s.Status())];

    /// <summary>
    /// A run's item results, read from its ItemCompleted events in the journal the given system is
    /// configured with (the coordinator's state keeps only their keys); the first result of an item
    /// counts, as in RunState.
    /// </summary>
    public static async Task<IReadOnlyDictionary<ItemKey, ItemResult>> ReadResultsAsync(ActorSystem system, string runId)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var results = new Dictionary<ItemKey, ItemResult>();
        await journal.CurrentEventsByPersistenceId(RunCoordinator.PersistenceIdOf(runId), 0, long.MaxValue)
            .RunForeach(envelope =>
            {
                if (envelope.Event is ItemCompleted completed)
                    results.TryAdd(completed.Key, completed.Result);
            }, system.Materializer())
            .ConfigureAwait(false);
        return results;
    }

    private static async Task<IReadOnlyList<RunState>> ReadStatesAsync(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer();
        var runIds = new List<string>();
        await journal.CurrentEventsByPersistenceId(RunsManager.PersistenceIdValue, 0, long.MaxValue)
            .RunForeach(envelope => runIds.Add(((RunRegistered)envelope.Event).RunId), materializer)
            .ConfigureAwait(false);
        var states = new List<RunState>();
        foreach (var runId in runIds)
        {
            var state = new RunState(runId);
            await journal.CurrentEventsByPersistenceId(RunCoordinator.PersistenceIdOf(runId), 0, long.MaxValue)
                .RunForeach(envelope => state.Apply((IRunEvent)envelope.Event), materializer)
                .ConfigureAwait(false);
            states.Add(state);
        }
        return states;
    }
}
