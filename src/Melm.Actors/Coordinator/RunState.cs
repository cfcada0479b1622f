using Melm.Actors.Protocol.Events;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Coordinator;

/// <summary>
/// One run's state without actors: the events applied so far (spec, completed stages and items, stage)
/// and the transient work queue (pending items and leases, or the lease of the preparation stage under
/// way). The coordinator persists events and applies them here; queue operations take the time as an
/// argument so tests control it.
/// </summary>
public sealed class RunState
{
    private readonly HashSet<ItemKey> _completed = [];
    private readonly SortedSet<ItemKey> _pending = [];
    private readonly Dictionary<ItemKey, Lease> _leases = [];
    private readonly Dictionary<ItemKey, int> _failures = [];
    private readonly List<string> _stagesDone = [];
    private readonly List<string> _notes = [];
    private (string WorkerId, DateTimeOffset Deadline)? _stageLease;
    private int _stageFailures;

    public RunState(string runId) => RunId = runId;

    public string RunId { get; }

    /// <summary>The run as submitted.</summary>
    public RunSpec? Spec { get; private set; }

    /// <summary>The run its items are planned from: the submitted spec, with the sentences its code-mix stage wrote once it has run.</summary>
    public RunSpec? Planned { get; private set; }

    /// <summary>One of RunStages.</summary>
    public string Stage { get; private set; } = RunStages.NotStarted;

    /// <summary>
    /// The items with an accepted result. Only their keys: the results stay in the journal's
    /// ItemCompleted events (RunJournal.ReadResultsAsync), so the state does not grow with them.
    /// </summary>
    public IReadOnlySet<ItemKey> Completed => _completed;

    public IReadOnlyList<string> Files { get; private set; } = [];

    /// <summary>The stages recorded as completed (StageCompleted events), in order.</summary>
    public IReadOnlyList<string> StagesDone => _stagesDone;

    /// <summary>Why the run failed, or why its last attempt to write failed; null when all is well.</summary>
    public string? Error { get; private set; }

    /// <summary>The running preparation stage's last progress report; null when none is running.</summary>
    public ProgressUpdate? Step { get; private set; }

    /// <summary>The current stage is one of the spec's preparation stages (fine-tune, filter-tagger).</summary>
    public bool InPreparation => Spec?.Preparation is { } preparation && preparation.Stages.Contains(Stage, StringComparer.Ordinal);

    public bool IsFinished => Stage is RunStages.Completed or RunStages.Cancelled or RunStages.Failed;

    /// <summary>Every item has an accepted result, and the output is not yet written.</summary>
    public bool ReadyToWrite => Stage == RunStages.Write;

    /// <summary>The output files are being written now, off the coordinator's thread; not persisted (a recovered run writes them again).</summary>
    public bool Writing { get; private set; }

    /// <summary>Items waiting, plus one for a preparation stage no worker holds yet.</summary>
    public int PendingCount => _pending.Count + (InPreparation && _stageLease is null ? 1 : 0);

    public int InFlightCount => _leases.Count + (_stageLease is null ? 0 : 1);

    /// <summary>The worker running the current preparation stage, if any.</summary>
    public string? StageHolder => _stageLease?.WorkerId;

    public void Apply(IRunEvent e)
    {
        switch (e)
        {
            case RunStarted started:
                Spec = started.Spec;
                Planned = started.Spec;
                EnterNextStage();
                break;
            case ItemCompleted completed:
                _completed.Add(completed.Key);
                _pending.Remove(completed.Key);
                _leases.Remove(completed.Key);
                if (Stage == RunStages.Generate && Planned is { } spec && _completed.Count == spec.ItemCount)
                    Stage = RunStages.Write;
                break;
            case StageCompleted { Stage: RunStages.Write } written:
                Files = written.Artefacts;
                Error = null;
                _stagesDone.Add(written.Stage);
                break;
            case StageCompleted stage when Spec?.Preparation is { } preparation && preparation.Stages.Contains(stage.Stage, StringComparer.Ordinal):
                if (!_stagesDone.Contains(stage.Stage, StringComparer.Ordinal))
                {
                    if (stage.SentenceIds is { } ids)
                        Planned = Spec with { SentenceIds = ids };
                    _stagesDone.Add(stage.Stage);
                    if (stage.Note is { } note)
                        _notes.Add($"{stage.Stage}: {note}");
                }
                if (Stage == stage.Stage)
                {
                    _stageLease = null;
                    _stageFailures = 0;
                    Step = null;
                    EnterNextStage();
                }
                break;
            case StageCompleted stage:
                _stagesDone.Add(stage.Stage);
                break;
            case RunCompleted:
                Stage = RunStages.Completed;
                break;
            case RunCancelled:
                Stage = RunStages.Cancelled;
                ClearQueue();
                break;
            case RunResumed when Stage == RunStages.Failed && Spec is not null:
                Error = null;
                _failures.Clear();
                _stageFailures = 0;
                EnterNextStage();
                break;
            case RunResumed:
                break;
            case RunFailed failed:
                Stage = RunStages.Failed;
                Error = failed.Reason;
                ClearQueue();
                break;
            default:
                throw new ArgumentException($"unknown run event {e.GetType().Name}", nameof(e));
        }
    }

    /// <summary>
    /// Leases pending items to a worker: at most capacity minus what it already holds, in ItemKey
    /// order, each until now + leaseTimeout.
    /// </summary>
    public IReadOnlyList<WorkItem> Assign(string workerId, int capacity, DateTimeOffset now, TimeSpan leaseTimeout)
    {
        if (Planned is not { } spec || Stage != RunStages.Generate)
            return [];
        var free = capacity - _leases.Values.Count(l => l.WorkerId == workerId);
        var items = new List<WorkItem>();
        while (free-- > 0 && _pending.Count > 0)
        {
            var key = _pending.Min;
            _pending.Remove(key);
            _leases[key] = new Lease(key, workerId, now + leaseTimeout);
            items.Add(WorkPlan.Item(spec, key));
        }
        return items;
    }

    /// <summary>
    /// Leases the current preparation stage to a worker that has nothing else to do, until now +
    /// leaseTimeout; null when the run is not preparing, another worker holds the stage, or the worker is busy.
    /// </summary>
    public StageJob? AssignStage(string workerId, bool idle, DateTimeOffset now, TimeSpan leaseTimeout)
    {
        if (Planned is not { } spec || !InPreparation || _stageLease is not null || !idle)
            return null;
        _stageLease = (workerId, now + leaseTimeout);
        return new StageJob(RunId, Stage, spec);
    }

    /// <summary>Whether a stage's completion should be persisted: it is the stage the run is in.</summary>
    public bool AcceptsStage(string stage) => InPreparation && Stage == stage;

    /// <summary>Keeps the progress a worker reports for the stage it holds.</summary>
    public void ReportStep(string workerId, string stage, ProgressUpdate update)
    {
        if (AcceptsStage(stage) && _stageLease?.WorkerId == workerId)
            Step = update;
    }

    /// <summary>Takes the stage back from the worker (it left, stopped or restarted); true when it held it.</summary>
    public bool ReleaseStage(string workerId)
    {
        if (_stageLease?.WorkerId != workerId)
            return false;
        _stageLease = null;
        Step = null;
        return true;
    }

    /// <summary>Takes the stage back when its lease ran out before now; true when it did.</summary>
    public bool ExpireStageLease(DateTimeOffset now) => _stageLease is { } lease && lease.Deadline <= now && ReleaseStage(lease.WorkerId);

    /// <summary>Records that the stage threw on the worker and offers it again. Returns how often it has failed so far.</summary>
    public int RecordStageFailure(string workerId)
    {
        ReleaseStage(workerId);
        return ++_stageFailures;
    }

    /// <summary>Whether a result should be persisted: the run is generating and the item is real and not yet completed.</summary>
    public bool Accepts(ItemKey key) =>
        Stage == RunStages.Generate && Planned is { } spec
        && key.Shard >= 0 && key.Shard < spec.ShardCount && key.Round >= 1 && key.Round <= spec.Rounds
        && !_completed.Contains(key);

    public IReadOnlyList<ItemKey> LeasesOf(string workerId) =>
        _leases.Values.Where(l => l.WorkerId == workerId).Select(l => l.Key).Order().ToArray();

    /// <summary>Puts every item leased to the worker back in the queue (it left, stopped or restarted).</summary>
    public IReadOnlyList<ItemKey> ReleaseWorker(string workerId)
    {
        var keys = LeasesOf(workerId);
        foreach (var key in keys)
            Requeue(key);
        return keys;
    }

    /// <summary>Puts every item whose lease ran out before now back in the queue.</summary>
    public IReadOnlyList<ItemKey> ExpireLeases(DateTimeOffset now)
    {
        var keys = _leases.Values.Where(l => l.Deadline <= now).Select(l => l.Key).Order().ToArray();
        foreach (var key in keys)
            Requeue(key);
        return keys;
    }

    /// <summary>
    /// Records that the worker's processor threw on the item and re-queues it when the worker still
    /// held it. Returns how often the item has failed so far.
    /// </summary>
    public int RecordFailure(ItemKey key, string workerId)
    {
        if (_leases.TryGetValue(key, out var lease) && lease.WorkerId == workerId)
            Requeue(key);
        var failures = _failures.GetValueOrDefault(key) + 1;
        _failures[key] = failures;
        return failures;
    }

    public RunStatus Status() => new(
        RunId,
        Writing ? RunStages.Writing : Stage,
        [.. _stagesDone],
        Planned?.ItemCount ?? 0,
        _completed.Count,
        _leases.Count,
        _pending.Count,
        Files,
        Error,
        Step,
        [.. _notes]);

    /// <summary>Records a problem that stops the run for now without ending it (the output could not be written).</summary>
    public void ReportError(string error) => Error = error;

    /// <summary>The output is being written (again): the last attempt's error no longer stands.</summary>
    public void BeginWrite()
    {
        Writing = true;
        Error = null;
    }

    /// <summary>The write that BeginWrite announced has ended, written or not.</summary>
    public void EndWrite() => Writing = false;

    public RunKeysSnapshot ToSnapshot() => new(
        Spec,
        Stage,
        [.. _stagesDone],
        [.. _completed.Order()],
        Files,
        Error,
        [.. _notes],
        ReferenceEquals(Planned, Spec) ? null : Planned?.SentenceIds);

    public static RunState FromSnapshot(string runId, RunKeysSnapshot snapshot) =>
        FromSnapshot(runId, snapshot.Spec, snapshot.Stage, snapshot.StagesDone, snapshot.Completed, snapshot.Files, snapshot.Error, snapshot.Notes, snapshot.PlannedSentenceIds);

    /// <summary>A snapshot of the older shape: its results are in the journal's events too, so only their keys are kept.</summary>
    public static RunState FromSnapshot(string runId, RunSnapshot snapshot) =>
        FromSnapshot(runId, snapshot.Spec, snapshot.Stage, snapshot.StagesDone, [.. snapshot.Completed.Select(c => c.Key)], snapshot.Files, snapshot.Error, snapshot.Notes ?? [], snapshot.PlannedSentenceIds);

    private static RunState FromSnapshot(string runId, RunSpec? spec, string stage, IReadOnlyList<string> stagesDone, IReadOnlyList<ItemKey> completed, IReadOnlyList<string> files, string? error, IReadOnlyList<string> notes, IReadOnlyList<string>? plannedSentenceIds)
    {
        var state = new RunState(runId) { Spec = spec, Stage = stage, Files = files, Error = error };
        state.Planned = plannedSentenceIds is { } ids ? spec! with { SentenceIds = ids } : spec;
        state._stagesDone.AddRange(stagesDone);
        state._notes.AddRange(notes);
        state._completed.UnionWith(completed);
        if (state.Planned is { } planned && state.Stage == RunStages.Generate)
        {
            foreach (var item in WorkPlan.Items(planned))
            {
                if (!state._completed.Contains(item.Key))
                    state._pending.Add(item.Key);
            }
        }
        return state;
    }

    /// <summary>
    /// After the start, a finished preparation stage or a resume: the first preparation stage not yet
    /// done, else generation with every item not completed queued, or the write when all are.
    /// </summary>
    private void EnterNextStage()
    {
        if (Planned is not { } spec)
            return;
        if (spec.Preparation?.Stages.FirstOrDefault(s => !_stagesDone.Contains(s, StringComparer.Ordinal)) is { } next)
        {
            Stage = next;
            return;
        }
        if (_completed.Count == spec.ItemCount)
        {
            Stage = RunStages.Write;
            return;
        }
        Stage = RunStages.Generate;
        foreach (var item in WorkPlan.Items(spec))
        {
            if (!_completed.Contains(item.Key))
                _pending.Add(item.Key);
        }
    }

    private void Requeue(ItemKey key)
    {
        _leases.Remove(key);
        if (!_completed.Contains(key) && Stage == RunStages.Generate)
            _pending.Add(key);
    }

    private void ClearQueue()
    {
        Writing = false;
        _pending.Clear();
        _leases.Clear();
        _stageLease = null;
        Step = null;
    }
}
