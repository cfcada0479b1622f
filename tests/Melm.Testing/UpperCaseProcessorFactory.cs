using System.Globalization;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Testing;

/// <summary>
/// The processors a node process makes when a process test points MELM_TEST_PROCESSOR at this
/// assembly: <see cref="UpperCaseProcessor"/>s with the delay MELM_TEST_PROCESSOR_DELAY_MS gives
/// (default none), and, when MELM_TEST_PROCESSOR_LOG names a file, a line there per finished item
/// or stage, so tests can count recomputed work.
/// </summary>
public sealed class UpperCaseProcessorFactory : IWorkItemProcessorFactory
{
    public const string DelayVariable = "MELM_TEST_PROCESSOR_DELAY_MS";

    public const string LogVariable = "MELM_TEST_PROCESSOR_LOG";

    private readonly TimeSpan _delay;
    private readonly string? _log;

    public UpperCaseProcessorFactory()
    {
        var delay = Environment.GetEnvironmentVariable(DelayVariable);
        var milliseconds = 0;
        if (!string.IsNullOrEmpty(delay) && !int.TryParse(delay, NumberStyles.None, CultureInfo.InvariantCulture, out milliseconds))
            throw new InputException(DelayVariable, null, $"'{delay}' is not a whole number of milliseconds");
        _delay = TimeSpan.FromMilliseconds(milliseconds);
        _log = Environment.GetEnvironmentVariable(LogVariable) is { Length: > 0 } log ? log : null;
    }

    /// <summary>The environment that makes a node process run this stand-in with <paramref name="delayMs"/> per item and stage step.</summary>
    public static Dictionary<string, string> ProcessEnvironment(int delayMs = 0, string? log = null)
    {
        var environment = new Dictionary<string, string>
        {
            // The variable the node reads (Melm.Host ProcessorChoice.Variable).
            ["MELM_TEST_PROCESSOR"] = typeof(UpperCaseProcessorFactory).Assembly.Location,
            [DelayVariable] = delayMs.ToString(CultureInfo.InvariantCulture),
        };
        if (log is not null)
            environment[LogVariable] = log;
        return environment;
    }

    public IWorkItemProcessor Create(string device) => new LoggedProcessor(new UpperCaseProcessor(_delay), _log);

    private sealed class LoggedProcessor(IWorkItemProcessor inner, string? log) : IWorkItemProcessor
    {
        private static readonly Lock Gate = new();

        public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
        {
            var result = await inner.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
            Log($"{item.RunId} {item.Shard} {item.Round}\n");
            return result;
        }

        public async Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
        {
            var outcome = await inner.RunStageAsync(job, progress, cancellationToken).ConfigureAwait(false);
            Log($"{job.RunId} {job.Stage}\n");
            return outcome;
        }

        private void Log(string line)
        {
            if (log is null)
                return;
            lock (Gate)
                File.AppendAllText(log, line);
        }
    }
}
