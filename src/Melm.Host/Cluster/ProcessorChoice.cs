using System.Globalization;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Host.Cluster;

/// <summary>
/// The processor a node's workers run: MELM generation and filtering, and every stage (StageRunner:
/// preparation, experiment cells, code-mixing) with what they say printed, or, for the pipeline's own
/// process tests, the model-free UpperCaseProcessor when MELM_TEST_PROCESSOR says so
/// ("upper-case" or "upper-case:DELAY_MS"); MELM_TEST_PROCESSOR_LOG then names a file that gets a
/// line per finished item, so tests can count recomputed items.
/// </summary>
internal static class ProcessorChoice
{
    public const string Variable = "MELM_TEST_PROCESSOR";
    public const string LogVariable = "MELM_TEST_PROCESSOR_LOG";

    public static IWorkItemProcessorFactory FromEnvironment()
    {
        var choice = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(choice))
            return new MelmItemProcessorFactory(folder => new Commands.TensorBoardCurves(folder), Console.WriteLine);
        var parts = choice.Split(':', 2);
        if (parts[0] != UpperCaseProcessor.MethodName || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new Models.Diagnostics.InputException(Variable, null, $"'{choice}' is not upper-case or upper-case:DELAY_MS");
        var delay = TimeSpan.FromMilliseconds(parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0);
        return new TestFactory(delay, Environment.GetEnvironmentVariable(LogVariable));
    }

    private sealed class TestFactory(TimeSpan delay, string? log) : IWorkItemProcessorFactory
    {
        public IWorkItemProcessor Create(string device) => new LoggedProcessor(new UpperCaseProcessor(delay), log);
    }

    private sealed class LoggedProcessor(IWorkItemProcessor inner, string? log) : IWorkItemProcessor
    {
        private static readonly Lock Gate = new();

        public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
        {
            var result = await inner.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
            if (log is not null)
            {
                lock (Gate)
                    File.AppendAllText(log, $"{item.RunId} {item.Shard} {item.Round}\n");
            }
            return result;
        }

        public async Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
        {
            var outcome = await inner.RunStageAsync(job, progress, cancellationToken).ConfigureAwait(false);
            if (log is not null)
            {
                lock (Gate)
                    File.AppendAllText(log, $"{job.RunId} {job.Stage}\n");
            }
            return outcome;
        }
    }
}
