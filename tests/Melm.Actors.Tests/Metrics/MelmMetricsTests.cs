using System.Diagnostics.Metrics;
using Melm.Actors.Coordinator;
using Melm.Actors.Metrics;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Tests.Metrics;

/// <summary>
/// The Melm meter's gauges read what run coordinators published: a run's items by state, and the
/// stage under way's step, epoch and loss from its last progress report, labelled by run and stage;
/// a forgotten run (its coordinator stopped) is no longer reported.
/// </summary>
public sealed class MelmMetricsTests
{
    [Fact]
    public void TheGaugesReportEachRunsItemsAndTheStageUnderWayUntilTheRunIsForgotten()
    {
        var runId = "gauges-" + Guid.NewGuid().ToString("N");
        var step = new ProgressUpdate(RunStages.FilterTagger, 12, 40, "batches", [new("epoch", 2), new("loss", 0.75), new("dev F1", 31.5)]);
        MelmMetrics.Publish(new RunStatus(runId, RunStages.FilterTagger, [], 30, 4, 2, 24, [], null, step));

        var seen = Collect(runId);
        Assert.Equal(4, seen[("melm.run.items", "state=done")]);
        Assert.Equal(2, seen[("melm.run.items", "state=in_flight")]);
        Assert.Equal(24, seen[("melm.run.items", "state=queued")]);
        Assert.Equal(12, seen[("melm.stage.step", $"stage={RunStages.FilterTagger},unit=batches")]);
        Assert.Equal(40, seen[("melm.stage.steps", $"stage={RunStages.FilterTagger},unit=batches")]);
        Assert.Equal(2, seen[("melm.stage.epoch", $"stage={RunStages.FilterTagger}")]);
        Assert.Equal(0.75, seen[("melm.stage.loss", $"stage={RunStages.FilterTagger}")]);

        // Fine-tuning reports epochs as its unit and its loss as "train loss"; between stages there is no step.
        var epochs = new ProgressUpdate(RunStages.FineTune, 3, 20, "epochs", [new("train loss", 1.5), new("dev loss", double.NaN)]);
        MelmMetrics.Publish(new RunStatus(runId, RunStages.FineTune, [RunStages.FilterTagger], 30, 4, 2, 24, [], null, epochs));
        seen = Collect(runId);
        Assert.Equal(3, seen[("melm.stage.epoch", $"stage={RunStages.FineTune}")]);
        Assert.Equal(1.5, seen[("melm.stage.loss", $"stage={RunStages.FineTune}")]);
        MelmMetrics.Publish(new RunStatus(runId, RunStages.Generate, [RunStages.FilterTagger, RunStages.FineTune], 30, 10, 2, 18, [], null));
        seen = Collect(runId);
        Assert.Equal(10, seen[("melm.run.items", "state=done")]);
        Assert.DoesNotContain(seen.Keys, k => k.Instrument.StartsWith("melm.stage.", StringComparison.Ordinal));

        MelmMetrics.Forget(runId);
        Assert.Empty(Collect(runId));
    }

    /// <summary>One collection of the Melm meter's observable instruments: the values tagged with this run, by instrument and its other tags.</summary>
    private static Dictionary<(string Instrument, string Tags), double> Collect(string runId)
    {
        var seen = new Dictionary<(string Instrument, string Tags), double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MelmMetrics.MeterName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var list = tags.ToArray();
            if (!list.Any(t => t.Key == "run" && (string?)t.Value == runId))
                return;
            var rest = string.Join(",", list.Where(t => t.Key != "run").Select(t => $"{t.Key}={t.Value}"));
            seen[(instrument.Name, rest)] = value;
        }
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }
}
