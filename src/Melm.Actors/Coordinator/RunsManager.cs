using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Melm.Actors.Protocol;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Coordinator;

/// <summary>
/// The cluster singleton that owns every run: one RunCoordinator child per run, named by run id.
/// It journals only which runs exist, so a manager started after a crash or failover restarts their
/// coordinators, which recover from their own journals. Workers talk to it alone: it routes run
/// messages by run id and work requests to runs with work waiting, in turn (RunScheduler).
/// </summary>
public sealed class RunsManager : ReceivePersistentActor
{
    public const string PersistenceIdValue = "melm-runs";

    private readonly CoordinatorSettings _settings;
    private readonly List<string> _runs = [];
    private readonly RunScheduler _scheduler = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RunsManager(CoordinatorSettings settings)
    {
        _settings = settings;

        Recover<RunRegistered>(registered => Register(registered.RunId));
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var runId in _runs)
                CoordinatorOf(runId);
        });

        Command<StartRun>(start =>
        {
            // Refused before it is registered, so a bad spec leaves no run behind.
            try
            {
                start.Spec.Validate();
            }
            catch (ArgumentException e)
            {
                Sender.Tell(new Status.Failure(e));
                return;
            }
            if (_runs.Contains(start.RunId))
            {
                CoordinatorOf(start.RunId).Forward(start);
                return;
            }
            var replyTo = Sender;
            Persist(new RunRegistered(start.RunId), registered =>
            {
                Register(registered.RunId);
                CoordinatorOf(registered.RunId).Tell(start, replyTo);
            });
        });
        Command<RequestWork>(request =>
        {
            if (_scheduler.Next() is { } runId)
                CoordinatorOf(runId).Forward(request);
        });
        Command<WorkerRestarted>(restarted =>
        {
            foreach (var runId in _scheduler.Active)
                CoordinatorOf(runId).Forward(restarted);
        });
        Command<WorkerLeaving>(leaving =>
        {
            foreach (var runId in _scheduler.Active)
                CoordinatorOf(runId).Forward(leaving);
        });
        Command<RunActivity>(activity =>
        {
            if (activity.Finished && !_scheduler.IsFinished(activity.RunId))
                _log.Info("run {RunId} finished: {Stage}", activity.RunId, activity.Stage);
            _scheduler.Update(activity.RunId, activity.Finished, activity.Pending);
        });
        Command<ListRuns>(_ => Sender.Tell(new RunList(_runs.ToArray())));
        Command<IWithRunId>(message =>
        {
            if (_runs.Contains(message.RunId))
                CoordinatorOf(message.RunId).Forward(message);
            else
                Sender.Tell(new RunNotFound(message.RunId));
        });
    }

    public override string PersistenceId => PersistenceIdValue;

    public static Props Props(CoordinatorSettings settings) => Akka.Actor.Props.Create(() => new RunsManager(settings));

    private void Register(string runId)
    {
        _runs.Add(runId);
        _scheduler.Register(runId);
    }

    private IActorRef CoordinatorOf(string runId)
    {
        var name = "run-" + Uri.EscapeDataString(runId);
        var child = Context.Child(name);
        return child.IsNobody() ? Context.ActorOf(RunCoordinator.Props(runId, _settings), name) : child;
    }
}
