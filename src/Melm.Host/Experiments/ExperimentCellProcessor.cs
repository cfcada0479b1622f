using Melm.Host.Commands;
using Melm.Models.Nn;
using Melm.Models.Runs;

namespace Melm.Host.Experiments;

/// <summary>
/// A node's processor: experiment-cell jobs run the experiment's own cell code (ExperimentRunner) on
/// the worker's device; everything else (items, fine-tuning, the filter's tagger) goes to the inner
/// processor. The worker gives a stage the device alone, so the cell never shares it.
/// </summary>
internal sealed class ExperimentCellProcessor(IWorkItemProcessor inner, string device) : IWorkItemProcessor
{
    public Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken) => inner.ProcessAsync(item, cancellationToken);

    public Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
    {
        if (job.Stage != StageNames.ExperimentCell || job.Spec.Preparation?.Cell is not { } cellJob)
            return inner.RunStageAsync(job, progress, cancellationToken);
        var (settings, cell) = ExperimentSettings.FromJob(cellJob);
        var runner = new ExperimentRunner(settings, ComputeOptions.ParseDevice(device, "device"), ConsoleOutput.Create());
        var results = runner.RunCell(cell);
        progress.Report(new ProgressUpdate(StageNames.ExperimentCell, results.Count, results.Count, "methods"));
        var summary = string.Join(", ", results.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Method} F1 {r.F1:F2}")));
        return Task.FromResult(new StageOutcome([Path.Combine(settings.Out, cell.Name)], $"{cell}: {summary}"));
    }

    /// <summary>Wraps every processor a factory makes.</summary>
    public sealed class Factory(IWorkItemProcessorFactory inner) : IWorkItemProcessorFactory
    {
        public IWorkItemProcessor Create(string device) => new ExperimentCellProcessor(inner.Create(device), device);
    }
}
