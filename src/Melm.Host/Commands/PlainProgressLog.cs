using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>
/// Progress for a log (a pipe, a file, CI): per stage, a line for its first update, then at most one
/// every <see cref="Interval"/>, and one when it reaches its total. Nothing is printed twice: a
/// stage whose last update is reported again (a status poll, an epoch's dev score after its last
/// batch) prints again only when the update says something new and the interval has passed. The
/// rate counts the time up to the last unit done, so a finished stage does not show a rate that
/// falls while later work runs. <see cref="Flush"/> prints what the throttle held back, so a stage
/// that stops short of its total (a budget, a polled status that moved on) still shows where it got.
/// </summary>
internal sealed class PlainProgressLog(TextWriter output, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, StageState> _stages = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Report(ProgressUpdate update)
    {
        var now = clock.GetTimestamp();
        // A stage seen for the first time, or one that went back (a rerun under the same name), starts over.
        if (!_stages.TryGetValue(update.Stage, out var state) || update.Done < state.Done)
        {
            // The first report arrives after one unit of work whose time no clock saw: count from it.
            state = new StageState(now, update.Done);
            if (_stages.TryAdd(update.Stage, state))
                _order.Add(update.Stage);
            else
                _stages[update.Stage] = state;
        }
        state.Latest = update;
        if (update.Done != state.Done)
        {
            state.Done = update.Done;
            state.DoneAt = now;
        }
        if (state.Printed is { } printed && SaysTheSame(printed, update))
            return;
        var reachedEnd = update.Done >= update.Total && (state.Printed is null || state.Printed.Done < state.Printed.Total);
        if (!reachedEnd && state.PrintedAt is { } at && clock.GetElapsedTime(at, now) < Interval)
            return;
        Print(state, update, now);
    }

    /// <summary>Prints each stage's latest update that the interval held back.</summary>
    public void Flush()
    {
        foreach (var state in _order.Select(stage => _stages[stage]))
        {
            if (state.Latest is { } latest && (state.Printed is not { } printed || !SaysTheSame(printed, latest)))
                Print(state, latest, clock.GetTimestamp());
        }
    }

    private void Print(StageState state, ProgressUpdate update, long now)
    {
        output.WriteLine(ProgressText.Describe(update, clock.GetElapsedTime(state.StartedAt, state.DoneAt), state.DoneAtStart));
        state.Printed = update;
        state.PrintedAt = now;
    }

    private static bool SaysTheSame(ProgressUpdate a, ProgressUpdate b) =>
        a.Done == b.Done && a.Total == b.Total && a.Metrics.SequenceEqual(b.Metrics);

    private sealed class StageState(long startedAt, long doneAtStart)
    {
        public long StartedAt { get; } = startedAt;

        public long DoneAtStart { get; } = doneAtStart;

        public long Done { get; set; } = doneAtStart;

        /// <summary>When <see cref="Done"/> last changed: the rate's clock stops there.</summary>
        public long DoneAt { get; set; } = startedAt;

        public ProgressUpdate? Latest { get; set; }

        public ProgressUpdate? Printed { get; set; }

        public long? PrintedAt { get; set; }
    }
}
