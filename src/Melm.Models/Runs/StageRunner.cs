using System.Globalization;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.CodeMix;
using Melm.Models.Mlm;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>
/// Runs a preparation stage of a run (RunPreparation) on a device: the same calls as `melm finetune`
/// and `melm ner train`, writing the folders the run's inputs name. Each stage resumes or reuses what
/// an earlier attempt left in its folder, so a stage retried on another worker after a crash does
/// not start over, and a seed fixes its result whichever worker runs it.
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
        ITrainingCurves Curves(string stage) => curvesAt is null || preparation?.NoTensorBoard == true
            ? NoTrainingCurves.Instance
            : curvesAt(Path.Combine(preparation?.TensorBoardFolder ?? Path.Combine(spec.OutputFolder, DefaultCurvesFolder), stage));
        if (!TrainingSet.Exists(inputs.CorpusFile))
            throw new InputException(inputs.CorpusFile, null, $"run {spec.RunId}: the corpus file is gone");
        switch (job.Stage)
        {
            case StageNames.FineTune when preparation?.FineTune is { } fineTune:
            {
                if (!AugmentationMethods.TryParse(inputs.Method, out var method))
                    throw new InputException(inputs.CorpusFile, null, $"run {spec.RunId}: unknown method '{inputs.Method}'");
                var training = TrainingSet.Read(inputs.CorpusFile).Training;
                var dev = fineTune.DevFile is null ? null : CorpusFile.Read(fineTune.DevFile);
                var result = MelmFineTuner.FromPretrained(
                    fineTune.PretrainedFolder, training, dev, inputs.ModelFolder, method, fineTune.Options, fineTune.Languages, device, progress,
                    curves: Curves(StageNames.FineTune));
                return new StageOutcome([inputs.ModelFolder], result.Describe());
            }
            case StageNames.FilterTagger when preparation?.FilterTagger is { } tagger && inputs.TaggerFolder is { } folder:
            {
                var gold = TrainingSet.Read(inputs.CorpusFile).Gold;
                var description = TrainFilterTagger(tagger.EncoderFolder, gold, CorpusFile.Read(tagger.DevFile), tagger.Options, device, folder, progress, say,
                    Curves(StageNames.FilterTagger));
                return new StageOutcome([folder], description);
            }
            default:
                throw new ArgumentException($"run {spec.RunId} has no stage '{job.Stage}' (its stages: {string.Join(", ", preparation?.Stages ?? [])})", nameof(job));
        }
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
