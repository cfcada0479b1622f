using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using Melm.Actors.Hosting;
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

    /// <summary>Nodes ("host:port") that are leaving the cluster: their workers get no more work.</summary>
    private readonly HashSet<string> _leaving = new(StringComparer.Ordinal);
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
            if (_leaving.Any(node => new NodeLeaving(node).Holds(request.WorkerId)))
                return;
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
        Command<ClusterEvent.MemberLeft>(left => Leaving(left.Member));
        Command<ClusterEvent.MemberExited>(exited => Leaving(exited.Member));
        Command<ClusterEvent.MemberRemoved>(removed => _leaving.Remove(HostPort(removed.Member.Address)));
        Command<ClusterEvent.IMemberEvent>(_ => { });
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

    /// <summary>In a cluster (not on a bare journal, as `melm cancel --run-root` runs it), follows members that leave.</summary>
    protected override void PreStart()
    {
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        base.PreStart();
    }

    protected override void PostStop()
    {
        if (Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
            Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    private static string HostPort(Address address) => $"{address.Host}:{address.Port}";

    /// <summary>A worker node leaving (melm cluster leave, SIGTERM): every active run takes its work back now, and it gets no more.</summary>
    private void Leaving(Member member)
    {
        if (!member.HasRole(MelmRoles.Worker) || !_leaving.Add(HostPort(member.Address)))
            return;
        _log.Info("node {Node} is leaving the cluster ({Status}); its work goes back to the queue", member.Address, member.Status);
        var leaving = new NodeLeaving(HostPort(member.Address));
        foreach (var runId in _scheduler.Active)
            CoordinatorOf(runId).Tell(leaving);
    }

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
