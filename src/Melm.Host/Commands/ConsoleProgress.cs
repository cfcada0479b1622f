using Spectre.Console;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>
/// Draws <see cref="ProgressUpdate"/>s: a live bar with rate and ETA on a terminal; on a pipe or in
/// CI, where a live bar would only garble the log, plain lines on stderr (<see cref="PlainProgressLog"/>:
/// at most one every few seconds, and one at the end of each stage).
/// </summary>
public sealed class ConsoleProgress : IProgress<ProgressUpdate>, IDisposable
{
    private readonly PlainProgressLog? _plain;
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
        var live = console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        if (!live)
        {
            _plain = new PlainProgressLog(Console.Error, TimeProvider.System);
            return;
        }
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

    /// <summary>Plain lines only, to <paramref name="output"/> on <paramref name="clock"/>'s time (tests).</summary>
    internal ConsoleProgress(TextWriter output, TimeProvider clock) => _plain = new PlainProgressLog(output, clock);

    public void Report(ProgressUpdate value)
    {
        lock (_gate)
        {
            if (_plain is not null)
            {
                _plain.Report(value);
                return;
            }
            // The first report arrives after one unit of work whose time no clock saw: count from it.
            _doneAtStart.TryAdd(value.Stage, value.Done);
            ReportLive(value);
        }
    }

    public void Dispose()
    {
        lock (_gate)
            _plain?.Flush();
        _finished.TrySetResult();
        _render?.GetAwaiter().GetResult();
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
        task.Description = Markup.Escape(ProgressText.Describe(value, task.ElapsedTime ?? TimeSpan.Zero, _doneAtStart[value.Stage]));
    }
}
