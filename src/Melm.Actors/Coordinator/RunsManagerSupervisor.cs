using Akka.Actor;
using Akka.Event;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Coordinator;

/// <summary>
/// The runs manager's parent, which keeps it going through journal outages as the manager keeps its
/// coordinators going: a persistent actor stops when its journal fails, so the manager tells this
/// actor (JournalFailed) and stops, and this actor starts it again with the coordinators' backoff
/// (JournalBackoff, counted by a JournalPause) until one reads the journal back (JournalWorks).
/// Meanwhile it answers the commands a client waits on (submit, resume, cancel, status, listing) with
/// "journal unavailable: ...: retry in N s" instead of letting them time out, and passes the rest
/// (workers' messages) to a manager under way, or drops them: their runs' coordinators stopped with
/// the manager, and recover from their journals when it does.
/// </summary>
public sealed class RunsManagerSupervisor : ReceiveActor, IWithTimers
{
    private readonly CoordinatorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Null while the manager's journal works.</summary>
    private JournalPause? _pause;

    /// <summary>The manager, while it runs and has not reported a failure.</summary>
    private IActorRef? _manager;

    private int _started;

    public RunsManagerSupervisor(CoordinatorSettings settings)
    {
        _settings = settings;
        Receive<JournalFailed>(failed =>
        {
            if (Sender.Equals(_manager))
                Paused(failed.Reason);
        });
        Receive<JournalWorks>(_ =>
        {
            if (_pause is not null)
                _log.Info("runs manager: its journal works again after {Failures} failure(s)", _pause.Failures);
            _pause = null;
        });
        Receive<RetryManager>(_ => StartManager());
        // Stopped before its JournalFailed was seen (or without one): a failure all the same.
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_manager))
                Paused("the runs manager stopped");
        });
        ReceiveAny(message =>
        {
            if (_pause is { } pause && message is StartRun or ResumeRun or CancelRun or GetRunStatus or GetRunProgress or ListRuns)
                Sender.Tell(new Status.Failure(new InvalidOperationException("journal unavailable: " + pause.Why(DateTimeOffset.UtcNow))));
            else
                _manager?.Forward(message);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CoordinatorSettings settings) => Akka.Actor.Props.Create(() => new RunsManagerSupervisor(settings));

    protected override void PreStart() => StartManager();

    /// <summary>The manager stops right after a failure: what reaches it from now on is lost, so nothing does until the retry.</summary>
    private void Paused(string reason)
    {
        _pause ??= new JournalPause(RunsManager.PersistenceIdValue);
        _pause.Failed(reason, null);
        _manager = null;
        var delay = _pause.ScheduleRetry(_settings.JournalRetry, Random.Shared.NextDouble(), DateTimeOffset.UtcNow);
        _log.Warning("runs manager: {Pause}", _pause.Describe(DateTimeOffset.UtcNow));
        Timers.StartSingleTimer(RetryManager.Instance, RetryManager.Instance, delay);
    }

    /// <summary>Each manager has a name of its own, so a retry need not wait for the failed one to finish stopping.</summary>
    private void StartManager()
    {
        _pause?.RetryStarted();
        _manager = Context.ActorOf(RunsManager.Props(_settings), "manager-" + ++_started);
        Context.Watch(_manager);
    }

    private sealed class RetryManager
    {
        public static RetryManager Instance { get; } = new();
    }
}
