using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Metrics;

/// <summary>
/// The "Melm" meter: what an operator watches on a dashboard. Counters and histograms are recorded
/// where things happen (a coordinator journals a result, a worker finishes an item); the gauges
/// (runs by stage, items per state, a stage's progress) read the last figures each run coordinator
/// published here, since a collector's callback must not ask actors. The node's exporter
/// (Prometheus text on /metrics, OTLP) names them melm_..., README "Metrics".
/// </summary>
public static class MelmMetrics
{
    public const string MeterName = "Melm";

    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly ConcurrentDictionary<string, RunStatus> Runs = new(StringComparer.Ordinal);

    /// <summary>Items whose result a coordinator journalled, by run and worker; its rate is a worker's items per second.</summary>
    private static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>(
        "melm.items.completed", "{item}", "Items whose result the coordinator journalled, by run and worker");

    private static readonly Counter<long> ItemFailures = Meter.CreateCounter<long>(
        "melm.item.failures", "{item}", "Item attempts a worker reported as failed, by run and worker (an item is tried up to 3 times)");

    private static readonly Counter<long> ItemsRequeued = Meter.CreateCounter<long>(
        "melm.items.requeued", "{item}", "Items taken back from a worker and queued again, by run and reason (worker-stopped, worker-restarted, lease-expired)");

    private static readonly Counter<long> StageFailures = Meter.CreateCounter<long>(
        "melm.stage.failures", "{attempt}", "Preparation stage attempts that failed, by run and stage");

    private static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>(
        "melm.runs.failed", "{run}", "Runs that stopped as failed (a piece of work failed too often)");

    private static readonly Histogram<double> ItemDuration = Meter.CreateHistogram(
        "melm.item.duration", "s", "Time a worker took to run one item, by run and worker",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });

    private static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram(
        "melm.journal.write.duration", "s", "Time from a coordinator's Persist to the event being in the journal, by event type",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    static MelmMetrics()
    {
        Meter.CreateObservableGauge("melm.runs", ObserveRunsByStage, "{run}", "Runs this node's runs manager holds, by stage");
        Meter.CreateObservableGauge("melm.run.items", ObserveItems, "{item}", "A run's items by state: done, in_flight (held by workers), queued");
        Meter.CreateObservableGauge("melm.stage.step", () => ObserveStep(step => step.Done), "{unit}", "Units done of the preparation stage under way (label unit: batches, epochs...)");
        Meter.CreateObservableGauge("melm.stage.steps", () => ObserveStep(step => step.Total), "{unit}", "Units in all of the preparation stage under way");
        Meter.CreateObservableGauge("melm.stage.epoch", () => ObserveFigure("epoch"), "{epoch}", "The epoch the preparation stage under way reported last");
        Meter.CreateObservableGauge("melm.stage.loss", () => ObserveFigure("loss"), null, "The training loss the preparation stage under way reported last");
    }

    /// <summary>A run coordinator's latest status, for the gauges; call after every change.</summary>
    public static void Publish(RunStatus status) => Runs[status.RunId] = status;

    /// <summary>The run's coordinator stopped (its node leaves, the singleton moves): its gauges go with it.</summary>
    public static void Forget(string runId) => Runs.TryRemove(runId, out _);

    public static void ItemCompleted(string runId, string workerId) => ItemsCompleted.Add(1, Tags(runId, workerId));

    public static void ItemFailed(string runId, string workerId) => ItemFailures.Add(1, Tags(runId, workerId));

    public static void Requeued(string runId, string reason, int items) =>
        ItemsRequeued.Add(items, new KeyValuePair<string, object?>("run", runId), new KeyValuePair<string, object?>("reason", reason));

    public static void StageFailed(string runId, string stage) =>
        StageFailures.Add(1, new KeyValuePair<string, object?>("run", runId), new KeyValuePair<string, object?>("stage", stage));

    public static void RunFailed(string runId) => RunsFailed.Add(1, new KeyValuePair<string, object?>("run", runId));

    public static void ItemRan(string runId, string workerId, TimeSpan duration) => ItemDuration.Record(duration.TotalSeconds, Tags(runId, workerId));

    /// <summary>Starts timing a journal write; pass the result to JournalWritten once the event is persisted.</summary>
    public static long JournalWriteStarted() => Stopwatch.GetTimestamp();

    public static void JournalWritten(long started, string eventType) =>
        JournalWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("event", eventType));

    private static TagList Tags(string runId, string workerId) => new() { { "run", runId }, { "worker", workerId } };

    private static IEnumerable<Measurement<int>> ObserveRunsByStage() =>
        Runs.Values.GroupBy(r => r.Stage, StringComparer.Ordinal).Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("stage", g.Key)));

    private static IEnumerable<Measurement<int>> ObserveItems()
    {
        foreach (var run in Runs.Values)
        {
            yield return ItemMeasurement(run, "done", run.Done);
            yield return ItemMeasurement(run, "in_flight", run.InFlight);
            yield return ItemMeasurement(run, "queued", run.Pending);
        }
    }

    private static Measurement<int> ItemMeasurement(RunStatus run, string state, int value) =>
        new(value, new KeyValuePair<string, object?>("run", run.RunId), new KeyValuePair<string, object?>("state", state));

    private static IEnumerable<Measurement<long>> ObserveStep(Func<ProgressUpdate, long> value) =>
        Runs.Values.Where(r => r.Step is not null).Select(r => new Measurement<long>(value(r.Step!), StageTags(r, ("unit", r.Step!.Unit))));

    /// <summary>A named figure of the stage's last report ("loss", "train loss"; an "epochs" unit is its own epoch count).</summary>
    private static IEnumerable<Measurement<double>> ObserveFigure(string name)
    {
        foreach (var run in Runs.Values)
        {
            if (run.Step is not { } step)
                continue;
            double? figure = step.Metrics.FirstOrDefault(m => m.Key == name || m.Key == "train " + name) is { Key: not null } found ? found.Value
                : name == "epoch" && step.Unit == "epochs" ? step.Done : null;
            if (figure is { } value && double.IsFinite(value))
                yield return new Measurement<double>(value, StageTags(run, null));
        }
    }

    private static KeyValuePair<string, object?>[] StageTags(RunStatus run, (string Key, string Value)? extra)
    {
        var tags = new List<KeyValuePair<string, object?>> { new("run", run.RunId), new("stage", run.Stage) };
        if (extra is { } tag)
            tags.Add(new(tag.Key, tag.Value));
        return [.. tags];
    }
}
