using Akka;
using Akka.Actor;
using System.Diagnostics;
using Akka.Event;
using Melm.Actors.Metrics;
using Melm.Actors.Protocol;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Workers;

/// <summary>
/// One per device: pulls items from the runs manager and runs them on its processor off the
/// mailbox (the task's result comes back as a message), so status queries are answered while
/// items run. It runs at most Capacity items and keeps up to Prefetch more waiting, so it asks for
/// the next item while one runs; after a restart it tells the coordinators, which put the items it
/// lost (running and waiting) back in the queue. When idle it may be given a run's preparation
/// stage (code-mixing, fine-tuning, the filter's tagger, an experiment cell), which has the device
/// to itself: no item starts and no work is asked for until it ends, and its progress goes to the
/// run's coordinator. When its node shuts down gracefully (Leave, from coordinated shutdown's first
/// phase) it drops everything it holds and says so, so its items go back at once rather than after
/// the cluster removes or downs the node.
/// </summary>
public sealed class ModelWorker : ReceiveActor, IWithTimers
{
    private readonly WorkerSettings _settings;
    private readonly IActorRef _runs;
    private readonly IWorkItemProcessor _processor;
    private readonly Dictionary<(string RunId, ItemKey Key), (WorkItem Item, CancellationTokenSource Cancel, long Started)> _running = [];
    private readonly Queue<WorkItem> _waiting = new();
    private readonly Queue<StageJob> _stages = new();
    private (StageJob Job, CancellationTokenSource Cancel)? _stageRunning;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _completed;
    private int _failed;
    private bool _leaving;

    public ModelWorker(WorkerSettings settings, IActorRef runs, IWorkItemProcessor processor)
    {
        _settings = settings;
        _runs = runs;
        _processor = processor;

        Receive<WorkAssigned>(assigned =>
        {
            // Assigned before the coordinator heard WorkerLeaving: that released it already.
            if (_leaving)
                return;
            if (_running.ContainsKey((assigned.RunId, assigned.Item.Key)) || _waiting.Any(w => w.Key == assigned.Item.Key && w.RunId == assigned.RunId))
                return;
            _waiting.Enqueue(assigned.Item);
            StartWaiting();
        });
        Receive<ItemProcessed>(processed =>
        {
            if (Finish(processed.Item) is { } started)
            {
                MelmMetrics.ItemRan(processed.Item.RunId, _settings.WorkerId, Stopwatch.GetElapsedTime(started));
                Report(new WorkCompleted(processed.Item.RunId, _settings.WorkerId, processed.Item.Key, processed.Result), failed: false);
            }
        });
        Receive<ItemFailedLocally>(failed =>
        {
            if (Finish(failed.Item) is null)
                return;
            _log.Warning(failed.Cause, "worker {WorkerId}: run {RunId} shard {Shard} round {Round} failed", _settings.WorkerId, failed.Item.RunId, failed.Item.Key.Shard, failed.Item.Key.Round);
            Report(new WorkFailed(failed.Item.RunId, _settings.WorkerId, failed.Item.Key, failed.Cause.Message), failed: true);
        });
        Receive<StageAssigned>(assigned =>
        {
            if (_leaving)
                return;
            var job = assigned.Job;
            // Jobs arrive deserialized, so they are told apart by run and stage, not by record equality.
            if (_stages.Append(_stageRunning?.Job).Any(held => held?.RunId == job.RunId && held.Stage == job.Stage))
                return;
            _stages.Enqueue(job);
            StartWaiting();
        });
        Receive<StageFinished>(finished =>
        {
            if (FinishStage(finished.Job))
                Report(new StageDone(finished.Job.RunId, _settings.WorkerId, finished.Job.Stage, finished.Outcome), failed: false);
        });
        Receive<StageFailedLocally>(failed =>
        {
            if (!FinishStage(failed.Job))
                return;
            _log.Warning(failed.Cause, "worker {WorkerId}: run {RunId} stage {Stage} failed", _settings.WorkerId, failed.Job.RunId, failed.Job.Stage);
            Report(new StageFailed(failed.Job.RunId, _settings.WorkerId, failed.Job.Stage, failed.Cause.Message), failed: true);
        });
        Receive<Poll>(_ => AskForWork());
        Receive<Leave>(_ =>
        {
            if (!_leaving)
                GiveBack();
            Sender.Tell(Done.Instance);
        });
        Receive<GetWorkerStatus>(_ => Sender.Tell(new WorkerStatus(
            _settings.WorkerId, _settings.Capacity, _running.Keys.Select(k => k.Key).Order().ToArray(), _waiting.Count, _completed, _failed,
            _stageRunning is { Job: var job } ? $"{job.RunId}/{job.Stage}" : null,
            [.. _running.Keys.OrderBy(k => k.RunId, StringComparer.Ordinal).ThenBy(k => k.Key).Select(k => $"{k.RunId}: {k.Key}")])));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(WorkerSettings settings, IActorRef runs, IWorkItemProcessor processor) =>
        Akka.Actor.Props.Create(() => new ModelWorker(settings, runs, processor));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("poll", Poll.Instance, _settings.PollInterval);
        AskForWork();
    }

    protected override void PostRestart(Exception reason)
    {
        _runs.Tell(new WorkerRestarted(_settings.WorkerId));
        base.PostRestart(reason);
    }

    protected override void PostStop() => DropAll();

    /// <summary>Stops asking for work, drops what it holds and tells the coordinators, which put it back in the queue.</summary>
    private void GiveBack()
    {
        _leaving = true;
        Timers.Cancel("poll");
        var items = _running.Count + _waiting.Count;
        var stages = _stages.Count + (_stageRunning is null ? 0 : 1);
        DropAll();
        _waiting.Clear();
        _stages.Clear();
        _runs.Tell(new WorkerLeaving(_settings.WorkerId));
        _log.Info("worker {WorkerId}: leaving the cluster; gave back {Items} items and {Stages} stages", _settings.WorkerId, items, stages);
    }

    /// <summary>Cancels the running items and stage; their results, should they still come, are not this worker's any more.</summary>
    private void DropAll()
    {
        foreach (var (_, cancel, _) in _running.Values)
        {
            cancel.Cancel();
            cancel.Dispose();
        }
        _running.Clear();
        if (_stageRunning is { Cancel: var stageCancel })
        {
            stageCancel.Cancel();
            stageCancel.Dispose();
        }
        _stageRunning = null;
    }

    /// <summary>Tells the coordinator how an item or a stage ended, counts it, and fills the freed capacity.</summary>
    private void Report(IWithRunId outcome, bool failed)
    {
        if (failed)
            _failed++;
        else
            _completed++;
        _runs.Tell(outcome);
        StartWaiting();
        AskForWork();
    }

    private void AskForWork()
    {
        if (_leaving || _stageRunning is not null || _stages.Count > 0)
            return;
        if (_running.Count + _waiting.Count < _settings.MaxHeld)
            _runs.Tell(new RequestWork(_settings.WorkerId, _settings.MaxHeld, Idle: _running.Count == 0 && _waiting.Count == 0));
    }

    /// <summary>Starts waiting items up to Capacity; a stage starts once no item runs or waits, and holds the device until it ends.</summary>
    private void StartWaiting()
    {
        if (_stageRunning is not null)
            return;
        while (_running.Count < _settings.Capacity && _waiting.Count > 0)
        {
            var item = _waiting.Dequeue();
            var cancel = new CancellationTokenSource();
            _running[(item.RunId, item.Key)] = (item, cancel, Stopwatch.GetTimestamp());
            // Task.Run keeps a processor that works synchronously before its first await off this actor's thread.
            Task.Run(() => _processor.ProcessAsync(item, cancel.Token), cancel.Token).PipeTo(
                Self,
                success: result => new ItemProcessed(item, result),
                failure: e => new ItemFailedLocally(item, e is AggregateException { InnerException: { } inner } ? inner : e));
        }
        if (_running.Count == 0 && _waiting.Count == 0 && _stages.TryDequeue(out var job))
        {
            var cancel = new CancellationTokenSource();
            _stageRunning = (job, cancel);
            _log.Info("worker {WorkerId}: run {RunId} stage {Stage} started", _settings.WorkerId, job.RunId, job.Stage);
            var progress = new StageProgress(_runs, job, _settings.WorkerId);
            Task.Run(() => _processor.RunStageAsync(job, progress, cancel.Token), cancel.Token).PipeTo(
                Self,
                success: outcome => new StageFinished(job, outcome),
                failure: e => new StageFailedLocally(job, e is AggregateException { InnerException: { } inner } ? inner : e));
        }
    }

    /// <summary>Frees the device of the stage; false when the stage is not this instance's (it started before a restart).</summary>
    private bool FinishStage(StageJob job)
    {
        if (_stageRunning is not { } running || running.Job != job)
            return false;
        running.Cancel.Dispose();
        _stageRunning = null;
        return true;
    }

    /// <summary>Frees the item's slot and gives the time it started; null when the item is not this instance's (it started before a restart).</summary>
    private long? Finish(WorkItem item)
    {
        if (!_running.Remove((item.RunId, item.Key), out var running))
            return null;
        running.Cancel.Dispose();
        return running.Started;
    }

    private sealed record ItemProcessed(WorkItem Item, ItemResult Result);

    private sealed record ItemFailedLocally(WorkItem Item, Exception Cause);

    private sealed record StageFinished(StageJob Job, StageOutcome Outcome);

    private sealed record StageFailedLocally(StageJob Job, Exception Cause);

    /// <summary>Sends a stage's progress to its coordinator at most once a second, and always its last step.</summary>
    private sealed class StageProgress(IActorRef runs, StageJob job, string workerId) : IProgress<ProgressUpdate>
    {
        private const long EveryMs = 1000;
        private long _last = Environment.TickCount64 - EveryMs;

        public void Report(ProgressUpdate value)
        {
            var now = Environment.TickCount64;
            if (value.Done < value.Total && now - Interlocked.Read(ref _last) < EveryMs)
                return;
            Interlocked.Exchange(ref _last, now);
            runs.Tell(new StageProgressed(job.RunId, workerId, job.Stage, value));
        }
    }

    private sealed class Poll
    {
        public static readonly Poll Instance = new();
    }

    /// <summary>The node is shutting down: give everything back; answered with Done.</summary>
    public sealed class Leave
    {
        public static readonly Leave Instance = new();

        private Leave()
        {
        }
    }
}
