using System.Globalization;
using Melm.Host.Commands;
using Melm.Host.Experiments;
using Melm.Models.Nn;
using Melm.Models.Runs;
using Melm.Models.CodeMix;
using Melm.Models.Diagnostics;

namespace Melm.Host.Cluster;

/// <summary>
/// A node's processor: the stages whose code is the command line's own run on the worker's device
/// here (an experiment cell runs ExperimentRunner's cell, code-mixing runs `melm codemix`'s code);
/// items, fine-tuning and the filter's tagger go to the inner processor. The worker gives a stage the
/// device alone, so these never share it.
/// </summary>
internal sealed class NodeProcessor(IWorkItemProcessor inner, string device) : IWorkItemProcessor
{
    public Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken) => inner.ProcessAsync(item, cancellationToken);

    public Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken) =>
        (job.Stage, job.Spec.Preparation) switch
        {
            (StageNames.ExperimentCell, { Cell: { } cell }) => Task.FromResult(RunCell(cell, progress)),
            (StageNames.CodeMix, { CodeMix: { } codeMix }) => Task.FromResult(RunCodeMix(codeMix, job.Spec.Inputs.CorpusFile)),
            _ => inner.RunStageAsync(job, progress, cancellationToken),
        };

    private StageOutcome RunCell(ExperimentCellJob job, IProgress<ProgressUpdate> progress)
    {
        var compute = ComputeOptions.ParseDevice(device, "device");
        if (job.TrainsOracle)
        {
            var (oracleSettings, _) = ExperimentSettings.FromJob(job);
            var tagger = new ExperimentRunner(oracleSettings, compute, ConsoleOutput.Create()).OracleTagger(job.Language);
            return new StageOutcome([tagger], $"{job.Language} oracle trained on the full train split");
        }
        string name, folder;
        IReadOnlyList<CellResult> results;
        if (job.MultilingualLanguages is null)
        {
            var (settings, cell) = ExperimentSettings.FromJob(job);
            results = new ExperimentRunner(settings, compute, ConsoleOutput.Create()).RunCell(cell, progress);
            (name, folder) = (cell.ToString(), Path.Combine(settings.Out, cell.Name));
        }
        else
        {
            var (settings, cell) = ExperimentSettings.FromMultilingualJob(job);
            results = new ExperimentRunner(settings, compute, ConsoleOutput.Create()).RunMultilingualCell(cell, progress);
            (name, folder) = (cell.ToString(), Path.Combine(settings.Out, cell.Name));
        }
        var summary = string.Join(", ", results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Method} F1 {r.F1:F2}")));
        return new StageOutcome([folder], $"{name}: {summary}");
    }

    /// <summary>Writes the codemix folder the run reads its sentences from, and gives their ids.</summary>
    private StageOutcome RunCodeMix(CodeMixJob job, string folder)
    {
        var (_, summary) = CodeMixCommand.Run(job, folder, () => ComputeOptions.ParseDevice(device, "device"), Console.WriteLine);
        var ids = TrainingSet.Read(folder).Training.Sentences.Select(s => s.Id).ToArray();
        return new StageOutcome([folder], $"{summary.Kept} code-mixed sentences from {summary.SentencesRead} training sentences", ids);
    }

    /// <summary>Wraps every processor a factory makes.</summary>
    public sealed class Factory(IWorkItemProcessorFactory inner) : IWorkItemProcessorFactory
    {
        public IWorkItemProcessor Create(string device) => new NodeProcessor(inner.Create(device), device);
    }
}
