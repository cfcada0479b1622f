using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Melm.Actors.Coordinator;
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
