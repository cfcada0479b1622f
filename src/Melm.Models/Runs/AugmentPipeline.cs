using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Mlm;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>
/// The stages of `melm augment` as separate calls, so the command, the demo and the benchmarks run
/// the same code: open the method's rewriter (fine-tuning first where the method does), train or
/// load the filter's tagger, then run the rounds and write the output folder. Progress goes to
/// <c>progress</c> and what each step did to <c>say</c>; the caller draws them.
/// </summary>
public static class AugmentPipeline
{
    /// <summary>The subfolder of the output that holds the fine-tuned model (and its resumable checkpoint).</summary>
    public const string ModelSubfolder = "melm-model";

    /// <summary>The subfolder of the output that holds the filter's tagger when augment trains it.</summary>
    public const string TaggerSubfolder = "filter-tagger";

    /// <summary>
    /// The rewriter of <paramref name="method"/> over <paramref name="training"/>, from the folder
    /// <see cref="ModelFor"/> gives: label-wise draws from the training set's mentions, gold-only makes
    /// nothing. A masked-LM rewriter holds its model: dispose it (it is IDisposable).
    /// </summary>
    public static IRewriter OpenRewriter(
        AugmentationMethod method, string modelFolder, Corpus training, Corpus? dev, FineTuneOptions fineTune,
        GenerationOptions generation, IReadOnlyList<string>? languages, Device device, string outFolder,
        IProgress<ProgressUpdate>? progress = null, Action<string>? say = null) =>
        Rewriters.Open(method, ModelFor(method, modelFolder, training, dev, fineTune, languages, device, outFolder, progress, say), training.Sentences, generation, device);

    /// <summary>
    /// The model folder <paramref name="method"/> rewrites with: MELM and MELM without markers
    /// fine-tune <paramref name="modelFolder"/> into <paramref name="outFolder"/>/melm-model first
    /// (resuming what a previous run left there) and give that; MLM-Entity uses
    /// <paramref name="modelFolder"/> as it is; label-wise and gold-only use none.
    /// </summary>
    private static string ModelFor(
        AugmentationMethod method, string modelFolder, Corpus training, Corpus? dev, FineTuneOptions fineTune,
        IReadOnlyList<string>? languages, Device device, string outFolder, IProgress<ProgressUpdate>? progress, Action<string>? say)
    {
        if (!AugmentationMethods.IsFineTuned(method))
            return modelFolder;
        var tuned = Path.Combine(outFolder, ModelSubfolder);
        var result = MelmFineTuner.FromPretrained(modelFolder, training, dev, tuned, method, fineTune, languages, device, progress);
        say?.Invoke(result.Describe());
        return tuned;
    }

    /// <summary>StageRunner.TrainFilterTagger, saying which it did; --dev is required.</summary>
    public static string TrainFilterTagger(string modelFolder, Corpus gold, Corpus? dev, NerTrainingOptions options, Device device, string folder,
        IProgress<ProgressUpdate>? progress = null, Action<string>? say = null)
    {
        if (dev is null)
            throw new InputException("--dev", null, NeedsDev);
        var done = StageRunner.TrainFilterTagger(modelFolder, gold, dev, options, device, folder, progress, say);
        say?.Invoke("filter tagger: " + done);
        return folder;
    }

    /// <summary>Why --filter ner without --tagger needs --dev.</summary>
    public const string NeedsDev = "--filter ner trains its tagger on the gold data and picks its epoch on --dev: give --dev, or a trained --tagger, or --filter none";

    /// <summary>A tagger folder loaded as the consistency filter (paper 2.4).</summary>
    public static LoadedFilter LoadFilter(string taggerFolder, Device device)
    {
        var (tagger, tokenizer) = TaggerFolder.Load(taggerFolder, device);
        return new LoadedFilter(tagger, new NerPredictor(tagger, tokenizer));
    }

    /// <summary>
    /// R rounds of <paramref name="rewriter"/> over <paramref name="training"/>, filtered when a filter
    /// is given; writes the output folder (train+aug holds <paramref name="training"/> then the kept
    /// rewrites) and returns the summary.
    /// </summary>
    public static AugmentationSummary RunAndWrite(
        IRewriter rewriter, Corpus training, int rounds, IConsistencyFilter? filter, int filterBatchSize, string outFolder, FilterRule filterRule = FilterRule.Sentence,
        IProgress<ProgressUpdate>? progress = null, Action<string>? say = null)
    {
        var outcome = AugmentationRun.Run(rewriter, training.Sentences, rounds, filter, filterBatchSize, progress, training.Source, filterRule);
        var summary = AugmentationSummary.Build(rewriter.Method, rewriter.Description, training.Sentences, outcome, filter is null ? "none" : RunInputs.FilterNameOf(filterRule));
        AugmentationOutput.Write(outFolder, training.Sentences, [.. outcome.Kept.Select(r => r.Augmented)], summary);
        say?.Invoke($"{summary.Kept} rewrites of {summary.SentencesRead} sentences written to {outFolder}");
        return summary;
    }

    /// <summary>The filter's tagger and its predictor, disposed together.</summary>
    public sealed class LoadedFilter(NerTagger tagger, NerPredictor predictor) : IDisposable
    {
        public IConsistencyFilter Predictor => predictor;

        public void Dispose() => tagger.Dispose();
    }
}
