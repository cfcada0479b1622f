using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Melm.Actors.Metrics;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Actors.Coordinator;

/// <summary>
/// Owns one run: persists its events, hands its preparation stages (fine-tune, the filter's tagger)
/// one at a time to an idle worker and then its work items to workers that ask, takes work back from
/// workers that stop, restart or overrun their lease, and writes the output once every item has a result. A thin actor over RunState; the journal is the only state that survives it.
/// </summary>
public sealed class RunCoordinator : ReceivePersistentActor, IWithTimers
{
    private readonly CoordinatorSettings _settings;
    private readonly Dictionary<IActorRef, string> _workers = [];
    private readonly Dictionary<string, (int Done, DateTimeOffset First)> _throughput = new(StringComparer.Ordinal);
    private DateTimeOffset? _firstAssigned;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RunState _state;

    /// <summary>The sequence number of the newest snapshot's last event; 0 before the first.</summary>
    private long _snapshotAt;

    /// <summary>Whether the runs manager has heard that this coordinator's journal works (after a failure it holds the run paused until then).</summary>
    private bool _journalWorks;

    public RunCoordinator(string runId, CoordinatorSettings settings)
    {
        _settings = settings;
        _state = new RunState(runId);
        PersistenceId = PersistenceIdOf(runId);

        Recover<SnapshotOffer>(offer =>
        {
            var recovered = offer.Snapshot switch
            {
                RunKeysSnapshot snapshot => RunState.FromSnapshot(runId, snapshot),
                RunSnapshot older => RunState.FromSnapshot(runId, older),
                _ => null,
            };
            if (recovered is not null)
            {
                _state = recovered;
                _snapshotAt = offer.Metadata.SequenceNr;
            }
        });
        Recover<IRunEvent>(e => _state.Apply(e));
        Recover<RecoveryCompleted>(_ => AfterRecovery());

        Command<StartRun>(Start);
        Command<RequestWork>(Assign);
        Command<WorkCompleted>(Complete);
        Command<WorkFailed>(Fail);
        Command<StageDone>(CompleteStage);
        Command<StageFailed>(FailStage);
        Command<StageProgressed>(progressed =>
        {
            _state.ReportStep(progressed.WorkerId, progressed.Stage, progressed.Update);
            MelmMetrics.Publish(_state.Status());
        });
        Command<WorkerRestarted>(restarted => Release(restarted.WorkerId, "restarted"));
        Command<NodeLeaving>(leaving =>
        {
            foreach (var workerId in _workers.Values.Where(leaving.Holds).Distinct().ToArray())
                Release(workerId, "left");
        });
        Command<WorkerLeaving>(leaving => Release(leaving.WorkerId, "left the cluster"));
        Command<Terminated>(terminated =>
        {
            if (_workers.Remove(terminated.ActorRef, out var workerId))
                Release(workerId, "stopped");
        });
        Command<CheckLeases>(_ => ExpireLeases());
        Command<WriteOutput>(_ => WriteOutputFiles());
        Command<OutputWritten>(Written);
        Command<OutputNotWritten>(NotWritten);
        Command<GetRunStatus>(_ => Sender.Tell(_state.Status()));
        Command<GetRunProgress>(_ => Sender.Tell(Progress(DateTimeOffset.UtcNow)));
        Command<CancelRun>(_ => Cancel());
        Command<ResumeRun>(_ => ResumeOrRewrite(Sender));
        // Events stay (melm runs reads them); only older snapshots go, as the newest one replaces them.
        Command<SaveSnapshotSuccess>(saved => DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "run {RunId}: old snapshots not deleted", runId));
        Command<SaveSnapshotFailure>(failure => _log.Warning(failure.Cause, "run {RunId}: snapshot failed; recovery replays more events", runId));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string PersistenceIdOf(string runId) => "melm-run-" + runId;

    public static Props Props(string runId, CoordinatorSettings settings) =>
        Akka.Actor.Props.Create(() => new RunCoordinator(runId, settings));

    private void AfterRecovery()
    {
        Timers.StartPeriodicTimer("leases", CheckLeases.Instance, _settings.LeaseCheckInterval);
        if (_state.Spec is not null)
            _log.Info("run {RunId}: recovered at stage {Stage}, {Done}/{Items} items done", _state.RunId, _state.Stage, _state.Completed.Count, _state.Planned!.ItemCount);
        ReportActivity();
        // A finished run writes nothing more: reading it back is all a retry after a journal failure can show.
        if (_state.IsFinished)
            JournalWorked();
        if (_state.ReadyToWrite)
            Self.Tell(WriteOutput.Instance);
    }

    private void JournalWorked()
    {
        if (_journalWorks)
            return;
        _journalWorks = true;
        Context.Parent.Tell(new JournalWorks(_state.RunId));
    }

    /// <summary>Akka stops the actor after this; its runs manager holds the run paused and starts it again with backoff.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Context.Parent.Tell(new JournalFailed(_state.RunId, $"journal write failed ({_settings.Journal}): {Causes(cause)}", _state.Spec is null ? null : _state.Status()));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>A replay that failed leaves a partial state, so no status goes with it.</summary>
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Context.Parent.Tell(new JournalFailed(_state.RunId, $"journal read failed ({_settings.Journal}): {Causes(reason)}", null));
        base.OnRecoveryFailure(reason, message);
    }

    /// <summary>An exception's message and its inner ones' (a driver wraps "Connection refused" in "Failed to connect to ..."), each once, without a closing full stop.</summary>
    internal static string Causes(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null && messages.Count < 3; x = x.InnerException)
        {
            var message = x.Message.TrimEnd('.');
            if (!messages.Contains(message, StringComparer.Ordinal))
                messages.Add(message);
        }
        return string.Join(": ", messages);
    }

    private void Start(StartRun start)
    {
        if (_state.Spec is { } existing)
        {
            if (!existing.SameAs(start.Spec))
                Sender.Tell(new Status.Failure(new InvalidOperationException($"run {start.RunId} already exists with a different spec")));
            else
                ResumeOrRewrite(Sender);
            return;
        }
        try
        {
            start.Spec.Validate();
        }
        catch (ArgumentException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }
        var replyTo = Sender;
        PersistEvent(new RunStarted(start.Spec), () =>
            _log.Info("run {RunId}: started, stages {Stages}, then {Items} items ({Shards} shards x {Rounds} rounds)", start.RunId,
                string.Join(", ", start.Spec.Preparation?.Stages ?? ["none"]), start.Spec.ItemCount, start.Spec.ShardCount, start.Spec.Rounds));
        DeferAsync(start, _ =>
        {
            replyTo.Tell(_state.Status());
            ReportActivity();
        });
    }

    /// <summary>Starting or resuming a run again: a failed run resumes, a write that failed (full disk) is tried again.</summary>
    private void ResumeOrRewrite(IActorRef replyTo)
    {
        if (_state.Stage == RunStages.Failed)
        {
            Resume(replyTo);
            return;
        }
        if (_state.ReadyToWrite)
            WriteOutputFiles();
        replyTo.Tell(_state.Status());
    }

    private void Resume(IActorRef replyTo) =>
        PersistEvent(new RunResumed(_state.RunId), () =>
        {
            _log.Info("run {RunId}: resumed at stage {Stage}, {Pending} items left", _state.RunId, _state.Stage, _state.PendingCount);
            ReportActivity();
            replyTo.Tell(_state.Status());
            if (_state.ReadyToWrite)
                WriteOutputFiles();
        });

    private void Assign(RequestWork request)
    {
        var now = DateTimeOffset.UtcNow;
        if (_state.AssignStage(request.WorkerId, request.Idle, now, _settings.StageLeaseTimeout) is { } job)
        {
            WatchWorker(request.WorkerId);
            _log.Info("run {RunId}: stage {Stage} given to {WorkerId}", _state.RunId, job.Stage, request.WorkerId);
            Sender.Tell(new StageAssigned(job));
            ReportActivity();
            return;
        }
        var items = _state.Assign(request.WorkerId, request.Capacity, now, _settings.LeaseTimeout);
        if (items.Count == 0)
            return;
        _firstAssigned ??= now;
        if (!_throughput.ContainsKey(request.WorkerId))
            _throughput[request.WorkerId] = (0, now);
        WatchWorker(request.WorkerId);
        foreach (var item in items)
        {
            _log.Debug("run {RunId}: shard {Shard} round {Round} leased to {WorkerId}", _state.RunId, item.Key.Shard, item.Key.Round, request.WorkerId);
            Sender.Tell(new WorkAssigned(item));
        }
        ReportActivity();
    }

    /// <summary>Watches the asking worker, so its work goes back to the queue when it stops.</summary>
    private void WatchWorker(string workerId)
    {
        if (_workers.ContainsKey(Sender))
            return;
        _workers[Sender] = workerId;
        Context.Watch(Sender);
    }

    /// <summary>Only the stage's current holder is heard: a worker the stage was taken from may still be writing its folder.</summary>
    private void CompleteStage(StageDone done)
    {
        if (!_state.AcceptsStage(done.Stage) || _state.StageHolder != done.WorkerId)
        {
            _log.Debug("run {RunId}: stage {Stage} from {WorkerId} ignored (not the stage under way or not its holder)", _state.RunId, done.Stage, done.WorkerId);
            return;
        }
        PersistEvent(new StageCompleted(_state.RunId, done.Stage, done.Outcome.Artefacts, done.Outcome.Description, done.Outcome.SentenceIds), () =>
        {
            _log.Info("run {RunId}: stage {Stage} done by {WorkerId}: {Note}; next: {Next}", _state.RunId, done.Stage, done.WorkerId, done.Outcome.Description, _state.Stage);
            ReportActivity();
            if (_state.ReadyToWrite)
                WriteOutputFiles();
        });
    }

    private void FailStage(StageFailed failed)
    {
        if (!_state.AcceptsStage(failed.Stage) || _state.StageHolder != failed.WorkerId)
            return;
        var failures = _state.RecordStageFailure(failed.WorkerId);
        MelmMetrics.StageFailed(_state.RunId, failed.Stage);
        _log.Warning("run {RunId}: stage {Stage} failed on {WorkerId} ({Failures} of {MaxFailures} tries): {Reason}", [_state.RunId, failed.Stage, failed.WorkerId, failures, _settings.MaxItemFailures, failed.Reason]);
        FailIfTooOften($"stage {failed.Stage}", failures, failed.Reason);
    }

    private void Complete(WorkCompleted completed)
    {
        if (!_state.Accepts(completed.Key))
        {
            _log.Debug("run {RunId}: shard {Shard} round {Round} from {WorkerId} ignored (already completed or run not generating)", _state.RunId, completed.Key.Shard, completed.Key.Round, completed.WorkerId);
            return;
        }
        PersistEvent(new ItemCompleted(completed.RunId, completed.Key, completed.Result), () =>
        {
            _log.Info("run {RunId}: shard {Shard} round {Round} completed by {WorkerId} ({Done}/{Items} done)", _state.RunId, completed.Key.Shard, completed.Key.Round, completed.WorkerId, _state.Completed.Count, _state.Planned?.ItemCount);
            if (_throughput.TryGetValue(completed.WorkerId, out var stats))
                _throughput[completed.WorkerId] = stats with { Done = stats.Done + 1 };
            MelmMetrics.ItemCompleted(_state.RunId, completed.WorkerId);
            MelmMetrics.Publish(_state.Status());
            if (_state.ReadyToWrite)
                WriteOutputFiles();
        });
    }

    private void Fail(WorkFailed failed)
    {
        if (!_state.Accepts(failed.Key))
            return;
        var failures = _state.RecordFailure(failed.Key, failed.WorkerId);
        MelmMetrics.ItemFailed(_state.RunId, failed.WorkerId);
        _log.Warning("run {RunId}: shard {Shard} round {Round} failed on {WorkerId} ({Failures} of {MaxFailures} tries): {Reason}", [_state.RunId, failed.Key.Shard, failed.Key.Round, failed.WorkerId, failures, _settings.MaxItemFailures, failed.Reason]);
        FailIfTooOften(failed.Key.ToString(), failures, failed.Reason);
    }

    /// <summary>Fails the run once one piece of its work (an item, a stage) has failed MaxItemFailures times; until then it was put back and is offered again.</summary>
    private void FailIfTooOften(string what, int failures, string reason)
    {
        if (failures < _settings.MaxItemFailures)
        {
            ReportActivity();
            return;
        }
        PersistEvent(new RunFailed(_state.RunId, $"{what} failed {failures} times; last error: {reason}"), () =>
        {
            MelmMetrics.RunFailed(_state.RunId);
            _log.Error("run {RunId}: failed; fix the cause and resume it ({Resume}): {Error}", _state.RunId, $"melm resume {_state.RunId}", _state.Error);
            ReportActivity();
        });
    }

    private void Release(string workerId, string why)
    {
        if (_state.ReleaseStage(workerId))
        {
            _log.Warning("run {RunId}: worker {WorkerId} {Why}; stage {Stage} is offered again", _state.RunId, workerId, why, _state.Stage);
            ReportActivity();
        }
        var keys = _state.ReleaseWorker(workerId);
        if (keys.Count > 0)
        {
            _log.Warning("run {RunId}: worker {WorkerId} {Why}; back in the queue: {Requeued}", _state.RunId, workerId, why, string.Join(", ", keys));
            MelmMetrics.Requeued(_state.RunId, "worker-" + why, keys.Count);
            ReportActivity();
        }
    }

    private void ExpireLeases()
    {
        if (_state.ExpireStageLease(DateTimeOffset.UtcNow))
        {
            _log.Warning("run {RunId}: the lease of stage {Stage} timed out; it is offered again", _state.RunId, _state.Stage);
            ReportActivity();
        }
        var keys = _state.ExpireLeases(DateTimeOffset.UtcNow);
        if (keys.Count > 0)
        {
            _log.Warning("run {RunId}: leases timed out; back in the queue: {Requeued}", _state.RunId, string.Join(", ", keys));
            MelmMetrics.Requeued(_state.RunId, "lease-expired", keys.Count);
            ReportActivity();
        }
    }

    private void Cancel()
    {
        var replyTo = Sender;
        if (_state.IsFinished || _state.Spec is null)
        {
            replyTo.Tell(_state.Status());
            return;
        }
        PersistEvent(new RunCancelled(_state.RunId), () =>
        {
            _log.Info("run {RunId}: cancelled", _state.RunId);
            replyTo.Tell(_state.Status());
            ReportActivity();
        });
    }

    /// <summary>
    /// Assembles and writes the output on a thread-pool thread, so the coordinator keeps answering
    /// (its status shows the stage as "writing"); OutputWritten or OutputNotWritten comes back. Each
    /// file is written under a temporary name and renamed (AtomicFile), so a crash mid-write leaves no
    /// partial output file; RunCompleted is persisted only after every file is in place, and a run
    /// recovered before that writes the same bytes again.
    /// </summary>
    private void WriteOutputFiles()
    {
        if (!_state.ReadyToWrite || _state.Writing || _state.Planned is not { } spec)
            return;
        if (spec.IsJob)
        {
            PersistEvent(new RunCompleted(spec.RunId), () =>
            {
                _log.Info("run {RunId}: completed; a job, its stages wrote their own files", spec.RunId);
                ReportActivity();
            });
            return;
        }
        if (!_state.StagesDone.Contains(RunStages.Generate))
            PersistEvent(new StageCompleted(spec.RunId, RunStages.Generate, []), () => { });
        _state.BeginWrite();
        ReportActivity();
        // The results are read back from the journal's events, which hold every one (the state keeps only their keys).
        var system = Context.System;
        Task.Run(async () => RunOutput.Write(spec, await RunJournal.ReadResultsAsync(system, spec.RunId).ConfigureAwait(false)))
            .PipeTo(Self, success: files => new OutputWritten(files), failure: e => new OutputNotWritten(e));
    }

    private void Written(OutputWritten written)
    {
        _state.EndWrite();
        var runId = _state.RunId;
        if (!_state.ReadyToWrite)
        {
            _log.Info("run {RunId}: output written to {OutputFolder} after the run was {Stage}; it stays so", runId, _state.Planned?.OutputFolder, _state.Stage);
            return;
        }
        PersistEvent(new StageCompleted(runId, RunStages.Write, written.Files), () => { });
        PersistEvent(new RunCompleted(runId), () =>
        {
            _log.Info("run {RunId}: completed; output in {OutputFolder}", runId, _state.Planned?.OutputFolder);
            ReportActivity();
        });
    }

    /// <summary>A full disk, an unwritable folder, a corpus file that changed: the run waits with the error until it is resumed.</summary>
    private void NotWritten(OutputNotWritten failed)
    {
        _state.EndWrite();
        if (!_state.ReadyToWrite)
            return;
        var error = failed.Cause;
        if (error is IOException or UnauthorizedAccessException or InputException)
            _log.Error("run {RunId}: cannot write the output to {OutputFolder}; resume the run once fixed ({Resume}): {Error}", _state.RunId, _state.Planned?.OutputFolder, $"melm resume {_state.RunId}", error.Message);
        else
            _log.Error(error, "run {RunId}: writing the output failed; resume the run to try again ({Resume})", _state.RunId, $"melm resume {_state.RunId}");
        _state.ReportError($"cannot write the output: {error.Message}");
        ReportActivity();
    }

    private void PersistEvent<TEvent>(TEvent e, Action then) where TEvent : IRunEvent
    {
        var started = MelmMetrics.JournalWriteStarted();
        Persist(e, persisted =>
        {
            MelmMetrics.JournalWritten(started, typeof(TEvent).Name);
            JournalWorked();
            _state.Apply(persisted);
            then();
            // A snapshot holds every completed key so far: one every SnapshotEvery events would write O(n²) bytes over a
            // long run. Waiting at least as many events as the newest one covers keeps the total under twice the
            // final state, and recovery still replays no more events than its snapshot holds.
            if (LastSequenceNr - _snapshotAt >= Math.Max(_settings.SnapshotEvery, _snapshotAt))
            {
                _snapshotAt = LastSequenceNr;
                SaveSnapshot(_state.ToSnapshot());
            }
        });
    }

    /// <summary>The parent (the runs manager) routes work requests only to runs that are not finished.</summary>
    private void ReportActivity()
    {
        Context.Parent.Tell(new RunActivity(_state.RunId, _state.Stage, _state.IsFinished, _state.PendingCount));
        if (_state.Spec is not null)
            MelmMetrics.Publish(_state.Status());
    }

    /// <summary>Another node's runs manager holds the run now (or the node stops): its gauges are that node's to report.</summary>
    protected override void PostStop()
    {
        MelmMetrics.Forget(_state.RunId);
        base.PostStop();
    }

    private RunProgress Progress(DateTimeOffset now)
    {
        var status = _state.Status();
        var workers = _throughput.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => new WorkerProgress(
            w.Key, w.Value.Done, _state.LeasesOf(w.Key).Count, Rate(w.Value.Done, now - w.Value.First))).ToArray();
        var done = workers.Sum(w => w.Done);
        var rate = _firstAssigned is { } first ? Rate(done, now - first) : 0;
        var left = status.Pending + status.InFlight;
        return new RunProgress(status, workers, rate, rate > 0 && left > 0 ? left / rate : null, _state.StageHolder);
    }

    private static double Rate(int items, TimeSpan time) => time > TimeSpan.Zero ? items / time.TotalSeconds : 0;

    private sealed class CheckLeases
    {
        public static readonly CheckLeases Instance = new();
    }

    private sealed class WriteOutput
    {
        public static readonly WriteOutput Instance = new();
    }

    /// <summary>The output files are in place.</summary>
    private sealed record OutputWritten(IReadOnlyList<string> Files);

    /// <summary>Writing the output threw.</summary>
    private sealed record OutputNotWritten(Exception Cause);
}
