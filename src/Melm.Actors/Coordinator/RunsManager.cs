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
/// A coordinator whose journal fails stops; the run is then paused (JournalPause): the manager answers
/// its status queries, keeps the results and commands sent to it, and starts the coordinator again
/// with backoff (JournalBackoff) until one writes again. Its own journal failing stops it the same way,
/// and its parent (RunsManagerSupervisor) starts it again: it tells the parent why, and hands back the
/// submissions it was registering, so their senders get the parent's answer instead of none.
/// </summary>
public sealed class RunsManager : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdValue = "melm-runs";

    private readonly CoordinatorSettings _settings;
    private readonly List<string> _runs = [];
    private readonly RunScheduler _scheduler = new();

    /// <summary>Nodes ("host:port") that are leaving the cluster: their workers get no more work.</summary>
    private readonly HashSet<string> _leaving = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Dictionary<string, JournalPause> _paused = new(StringComparer.Ordinal);

    /// <summary>Messages for a paused run waiting for its retry, with their senders, delivered to the coordinator that retry starts.</summary>
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _held = new(StringComparer.Ordinal);

    /// <summary>Submissions whose RunRegistered is being written, with their senders.</summary>
    private readonly Dictionary<string, (StartRun Start, IActorRef Sender)> _registering = new(StringComparer.Ordinal);

    public RunsManager(CoordinatorSettings settings)
    {
        _settings = settings;

        Recover<RunRegistered>(registered => Register(registered.RunId));
        Recover<RecoveryCompleted>(_ =>
        {
            Context.Parent.Tell(new JournalWorks(PersistenceIdValue));
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
                Route(start.RunId, start);
                return;
            }
            var replyTo = Sender;
            _registering[start.RunId] = (start, replyTo);
            Persist(new RunRegistered(start.RunId), registered =>
            {
                _registering.Remove(registered.RunId);
                Register(registered.RunId);
                CoordinatorOf(registered.RunId).Tell(start, replyTo);
            });
        });
        Command<RequestWork>(request =>
        {
            if (_leaving.Any(node => new NodeLeaving(node).Holds(request.WorkerId)))
                return;
            if (_scheduler.Next() is { } runId)
                Route(runId, request);
        });
        Command<WorkerRestarted>(restarted =>
        {
            foreach (var runId in _scheduler.Active)
                Route(runId, restarted);
        });
        Command<WorkerLeaving>(leaving =>
        {
            foreach (var runId in _scheduler.Active)
                Route(runId, leaving);
        });
        Command<JournalFailed>(Paused);
        Command<Terminated>(terminated => RetryLater(RunIdOf(terminated.ActorRef)));
        Command<RetryRun>(retry => Retry(retry.RunId));
        Command<JournalWorks>(works =>
        {
            if (_paused.Remove(works.RunId, out var pause))
                _log.Info("run {RunId}: its journal works again after {Failures} failure(s); the run goes on", works.RunId, pause.Failures);
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
                Route(message.RunId, message);
            else
                Sender.Tell(new RunNotFound(message.RunId));
        });
    }

    public override string PersistenceId => PersistenceIdValue;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CoordinatorSettings settings) => Akka.Actor.Props.Create(() => new RunsManager(settings));

    /// <summary>Akka stops the manager after this; the submissions it was registering go back to its parent, which answers them.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Context.Parent.Tell(new JournalFailed(PersistenceIdValue, $"journal write failed ({_settings.Journal}): {RunCoordinator.Causes(cause)}", null));
        foreach (var (start, sender) in _registering.Values)
            Context.Parent.Tell(start, sender);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Context.Parent.Tell(new JournalFailed(PersistenceIdValue, $"journal read failed ({_settings.Journal}): {RunCoordinator.Causes(reason)}", null));
        base.OnRecoveryFailure(reason, message);
    }

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
            Route(runId, leaving);
    }

    /// <summary>
    /// Hands a message to the run's coordinator, or, while the run is paused, answers a status query
    /// from the pause, keeps results and commands for the next coordinator while it waits for its
    /// retry (work requests, progress and worker notices mean nothing to a coordinator that starts
    /// without leases), and forwards the rest to a retry under way.
    /// </summary>
    private void Route(string runId, object message)
    {
        if (!_paused.TryGetValue(runId, out var pause))
        {
            CoordinatorOf(runId).Forward(message);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        switch (message)
        {
            case GetRunStatus:
                Sender.Tell(pause.Status(now));
                return;
            case GetRunProgress:
                Sender.Tell(new RunProgress(pause.Status(now), [], 0, null));
                return;
        }
        if (pause.UnderWay)
            CoordinatorOf(runId).Forward(message);
        else if (message is StartRun or WorkCompleted or WorkFailed or StageDone or StageFailed or CancelRun or ResumeRun)
            Held(runId).Add((message, Sender));
    }

    private List<(object Message, IActorRef Sender)> Held(string runId)
    {
        if (!_held.TryGetValue(runId, out var held))
            _held[runId] = held = [];
        return held;
    }

    /// <summary>A coordinator's journal failed: its run gets no work until a retry writes again; the retry waits for the coordinator to stop.</summary>
    private void Paused(JournalFailed failed)
    {
        if (!_paused.TryGetValue(failed.RunId, out var pause))
            _paused[failed.RunId] = pause = new JournalPause(failed.RunId);
        pause.Failed(failed.Reason, failed.Status);
        _scheduler.Update(failed.RunId, finished: false, pending: 0);
        _log.Warning("run {RunId}: {Pause}", failed.RunId, pause.Describe(DateTimeOffset.UtcNow));
        // The coordinator stops right after telling; if that was already seen, schedule now.
        if (Context.Child(ChildName(failed.RunId)).IsNobody())
            RetryLater(failed.RunId);
    }

    private void RetryLater(string runId)
    {
        if (!_paused.TryGetValue(runId, out var pause) || pause.RetryAt is not null || pause.UnderWay)
            return;
        var delay = pause.ScheduleRetry(_settings.JournalRetry, Random.Shared.NextDouble(), DateTimeOffset.UtcNow);
        _log.Warning("run {RunId}: {Pause}", runId, pause.Describe(DateTimeOffset.UtcNow));
        Timers.StartSingleTimer("retry-" + runId, new RetryRun(runId), delay);
    }

    private void Retry(string runId)
    {
        if (!_paused.TryGetValue(runId, out var pause))
            return;
        pause.RetryStarted();
        var coordinator = CoordinatorOf(runId);
        if (_held.Remove(runId, out var held))
        {
            foreach (var (message, sender) in held)
                coordinator.Tell(message, sender);
        }
    }

    private void Register(string runId)
    {
        _runs.Add(runId);
        _scheduler.Register(runId);
    }

    private static string ChildName(string runId) => "run-" + Uri.EscapeDataString(runId);

    private static string RunIdOf(IActorRef coordinator) => Uri.UnescapeDataString(coordinator.Path.Name["run-".Length..]);

    /// <summary>The run's coordinator, started (and watched, so a paused run's retry waits for it to stop) if it is not running.</summary>
    private IActorRef CoordinatorOf(string runId)
    {
        var name = ChildName(runId);
        var child = Context.Child(name);
        if (!child.IsNobody())
            return child;
        child = Context.ActorOf(RunCoordinator.Props(runId, _settings), name);
        Context.Watch(child);
        return child;
    }

    private sealed record RetryRun(string RunId);
}
