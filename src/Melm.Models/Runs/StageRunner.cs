using System.Globalization;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Mlm;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>
/// Runs a stage of a run (RunPreparation) on a device: an experiment cell (ExperimentRunner, as
/// `melm experiment` runs it), code-mixing (CodeMixRun, as `melm codemix`), fine-tuning (as `melm
/// finetune`) and the filter's tagger (as `melm ner train`), writing the folders the run's inputs
/// name. Every stage of every run is run here, whichever processor holds the device. Each stage
/// resumes or reuses what an earlier attempt left in its folder, so a stage retried on another
/// worker after a crash does not start over, and a seed fixes its result whichever worker runs it.
/// </summary>
public static class StageRunner
{
    /// <param name="curvesAt">Makes the training curves written to a folder (TensorBoard on a node); null: none.</param>
    public static StageOutcome Run(StageJob job, Device device, IProgress<ProgressUpdate>? progress = null, Action<string>? say = null,
        Func<string, ITrainingCurves>? curvesAt = null)
    {
        var spec = job.Spec;
        var inputs = spec.Inputs;
        var preparation = spec.Preparation;
        // These two write what the run reads: the check of its corpus below is for the stages after them.
        switch (job.Stage)
        {
            case StageNames.ExperimentCell when preparation?.Cell is { } cell:
                return RunCell(cell, device, progress ?? NoProgress.Instance, say ?? (_ => { }));
            case StageNames.CodeMix when preparation?.CodeMix is { } codeMix:
                return RunCodeMix(codeMix, inputs.CorpusFile, spec.RunId, device, say ?? (_ => { }));
        }
        ITrainingCurves Curves(string stage) => curvesAt is null || preparation?.NoTensorBoard == true
            ? NoTrainingCurves.Instance
            : curvesAt(Path.Combine(preparation?.TensorBoardFolder ?? Path.Combine(spec.OutputFolder, DefaultCurvesFolder), stage));
        var corpus = RunCorpus.Read(inputs.CorpusFile, spec.RunId);
        switch (job.Stage)
        {
            case StageNames.FineTune when preparation?.FineTune is { } fineTune:
            {
                if (!AugmentationMethods.TryParse(inputs.Method, out var method))
                    throw new InputException(inputs.CorpusFile, null, $"run {spec.RunId}: unknown method '{inputs.Method}'");
                var dev = fineTune.DevFile is null ? null : CorpusFile.Read(fineTune.DevFile);
                var result = MelmFineTuner.FromPretrained(
                    fineTune.PretrainedFolder, corpus.Training, dev, inputs.ModelFolder, method, fineTune.Options, fineTune.Languages, device, progress,
                    curves: Curves(StageNames.FineTune));
                return new StageOutcome([inputs.ModelFolder], result.Describe());
            }
            case StageNames.FilterTagger when preparation?.FilterTagger is { } tagger && inputs.TaggerFolder is { } folder:
            {
                var description = TrainFilterTagger(tagger.EncoderFolder, corpus.Gold, CorpusFile.Read(tagger.DevFile), tagger.Options, device, folder, progress, say,
                    Curves(StageNames.FilterTagger));
                return new StageOutcome([folder], description);
            }
            default:
                throw new ArgumentException($"run {spec.RunId} has no stage '{job.Stage}' (its stages: {string.Join(", ", preparation?.Stages ?? [])})", nameof(job));
        }
    }

    /// <summary>
    /// An experiment cell's methods (or, for an oracle job, the language's oracle tagger); the
    /// outcome names the cell folder and each method's F1. <paramref name="progress"/> hears which
    /// method the cell is at; the trainings inside are not drawn.
    /// </summary>
    private static StageOutcome RunCell(ExperimentCellJob job, Device device, IProgress<ProgressUpdate> progress, Action<string> say)
    {
        var output = new ExperimentOutput(say, say, NoProgress.Instance);
        if (job.TrainsOracle)
        {
            var (oracleSettings, _) = ExperimentSettings.FromJob(job);
            var tagger = new ExperimentRunner(oracleSettings, device, output).OracleTagger(job.Language);
            return new StageOutcome([tagger], $"{job.Language} oracle trained on the full train split");
        }
        string name, folder;
        IReadOnlyList<CellResult> results;
        if (job.MultilingualLanguages is null)
        {
            var (settings, cell) = ExperimentSettings.FromJob(job);
            results = new ExperimentRunner(settings, device, output).RunCell(cell, progress);
            (name, folder) = (cell.ToString(), Path.Combine(settings.Out, cell.Name));
        }
        else
        {
            var (settings, cell) = ExperimentSettings.FromMultilingualJob(job);
            results = new ExperimentRunner(settings, device, output).RunMultilingualCell(cell, progress);
            (name, folder) = (cell.ToString(), Path.Combine(settings.Out, cell.Name));
        }
        var summary = string.Join(", ", results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Method} F1 {r.F1:F2}")));
        return new StageOutcome([folder], $"{name}: {summary}");
    }

    /// <summary>Writes the codemix folder the run reads its sentences from, and gives their ids.</summary>
    private static StageOutcome RunCodeMix(CodeMixJob job, string folder, string runId, Device device, Action<string> say)
    {
        var (_, summary) = CodeMixRun.Run(job, folder, () => device, say);
        var ids = RunCorpus.Read(folder, runId).Training.Sentences.Select(s => s.Id).ToArray();
        return new StageOutcome([folder], $"{summary.Kept} code-mixed sentences from {summary.SentencesRead} training sentences", ids);
    }

    /// <summary>The folder under a run's output that holds its stages' training curves unless the run names another.</summary>
    public const string DefaultCurvesFolder = "tensorboard";

    /// <summary>
    /// Trains the consistency filter's tagger on the gold data into <paramref name="folder"/>, or reuses
    /// the one an earlier run saved there; returns a line saying which ("reusing ..." or "epoch 3 of 10 kept ...").
    /// </summary>
    public static string TrainFilterTagger(
        string encoderFolder, Corpus gold, Corpus dev, NerTrainingOptions options, Device device, string folder,
        IProgress<ProgressUpdate>? progress = null, Action<string>? say = null, ITrainingCurves? curves = null)
    {
        if (File.Exists(Path.Combine(folder, TaggerFolder.MetadataFileName)))
            return $"reusing {folder}";
        var problems = options.Check("--tagger-epochs");
        if (problems.Count > 0)
            throw new InputException(problems);
        // Dev tags the gold data lacks get labels of their own (DevTagCoverage), so a small sample does not stop the run.
        var (result, took) = NerTrainer.TrainAndSave(encoderFolder, gold, dev, options, device, folder, TaggerLabels.FromTraining(gold, dev), progress: progress, say: say, curves: curves);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {result.BestEpoch} of {options.Epochs} kept (dev F1 {result.BestDevF1:F2}), {took.TotalSeconds:F0} s, saved to {folder}");
    }
}
