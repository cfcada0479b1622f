using System.Diagnostics;
using System.Globalization;
using Melm.Models.Runs;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>
/// Draws <see cref="ProgressUpdate"/>s: a live bar with rate and ETA on a terminal; on a pipe or in
/// CI, where a live bar would only garble the log, a plain line at most every few seconds and at
/// the end of each stage.
/// </summary>
public sealed class ConsoleProgress : IProgress<ProgressUpdate>, IDisposable
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private readonly bool _live;
    private readonly Dictionary<string, (Stopwatch Clock, TimeSpan LastPrinted)> _plain = new(StringComparer.Ordinal);
    // Units already done when a stage was first reported (a resumed run): the rate counts only the units done since.
    private readonly Dictionary<string, long> _doneAtStart = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _finished = new();
    private readonly TaskCompletionSource<ProgressContext> _context = new();
    private readonly Task? _render;

    public ConsoleProgress()
    {
        // A console of its own over the current Console.Out: touching the static AnsiConsole would bind
        // it for good to whatever writer Console.Out is now (a test's, disposed afterwards).
        var console = ConsoleOutput.Create();
        _live = console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        if (!_live)
            return;
        _render = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn(),
                new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                _context.SetResult(ctx);
                await _finished.Task.ConfigureAwait(false);
                ctx.Refresh();
            });
    }

    public void Report(ProgressUpdate value)
    {
        lock (_gate)
        {
            // The first report arrives after one unit of work whose time no clock saw: count from it.
            _doneAtStart.TryAdd(value.Stage, value.Done);
            if (_live)
                ReportLive(value);
            else
                ReportPlain(value);
        }
    }

    public void Dispose()
    {
        _finished.TrySetResult();
        _render?.GetAwaiter().GetResult();
    }

    /// <summary>"rate unit/s" and the metrics, for a line or a task description.</summary>
    /// <param name="doneAtStart">Units done before <paramref name="elapsedSeconds"/> started counting.</param>
    public static string Describe(ProgressUpdate update, double elapsedSeconds, long doneAtStart = 0)
    {
        var parts = new List<string> { $"{update.Stage} {update.Done}/{update.Total} {update.Unit}" };
        if (elapsedSeconds > 0 && update.Done > doneAtStart)
        {
            var rate = (update.Done - doneAtStart) / elapsedSeconds;
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{rate:0.##} {update.Unit}/s"));
            if (update.Total > update.Done)
                parts.Add($"ETA {TimeSpan.FromSeconds((update.Total - update.Done) / rate):hh\\:mm\\:ss}");
        }
        parts.AddRange(update.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:0.####}")));
        return string.Join("  ", parts);
    }

    private void ReportLive(ProgressUpdate value)
    {
        var ctx = _context.Task.GetAwaiter().GetResult();
        if (!_tasks.TryGetValue(value.Stage, out var task))
        {
            task = ctx.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
            _tasks[value.Stage] = task;
        }
        task.MaxValue = Math.Max(1, value.Total);
        task.Value = value.Done;
        var elapsed = task.ElapsedTime?.TotalSeconds ?? 0;
        task.Description = Markup.Escape(Describe(value, elapsed, _doneAtStart[value.Stage]));
    }

    private void ReportPlain(ProgressUpdate value)
    {
        if (!_plain.TryGetValue(value.Stage, out var state))
            state = (Stopwatch.StartNew(), -PlainInterval);
        var now = state.Clock.Elapsed;
        var last = value.Done >= value.Total;
        // A new stage starts with LastPrinted one interval back, so its first update prints.
        if (last || now - state.LastPrinted >= PlainInterval)
        {
            Console.Error.WriteLine(Describe(value, now.TotalSeconds, _doneAtStart[value.Stage]));
            state.LastPrinted = now;
        }
        _plain[value.Stage] = state;
    }
}
