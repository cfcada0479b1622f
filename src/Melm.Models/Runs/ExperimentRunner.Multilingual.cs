using System.Globalization;
using Melm.Models.Augmentation;
using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Mlm;

namespace Melm.Models.Runs;

/// <summary>
/// The multilingual setting (paper 3.1, Table 2): N gold sentences of each language sampled as the
/// monolingual cells sample them, trained on together, each final tagger scored on every language's
/// full test set. Code-mixing and MELM run as `melm codemix` and `melm augment --codemix` do, so a
/// cell's folders hold the same files those commands write.
/// </summary>
public sealed partial class ExperimentRunner
{
    private (CellResult Result, bool Ran) RunOrLoadMultilingual(MultilingualCell cell, MultilingualMethod method, Func<string> heading)
    {
        var folder = Path.Combine(settings.Out, cell.Name, MultilingualMethods.Name(method));
        if (CellResult.Load(folder) is { } finished)
            return (finished, false);
        output.Heading(heading());
        var result = RunMultilingual(cell, method, folder);
        result.Save(folder);
        output.Say(string.Create(CultureInfo.InvariantCulture,
            $"{cell} {MultilingualMethods.Name(method)}: mean test F1 {result.F1:F2} ({string.Join(", ", result.TestScores!.Select(t => $"{t.Language} {t.F1:F2}"))}), {result.AugmentedSentences} augmented sentences"));
        return (result, true);
    }

    private CellResult RunMultilingual(MultilingualCell cell, MultilingualMethod method, string folder)
    {
        var languages = settings.Multilingual!.Languages;
        var (gold, dev, trainFiles) = MultilingualSample(cell);
        var parts = new StepClock(folder);
        var seed = unchecked((ulong)cell.Seed);
        IReadOnlyList<Sentence> mixed = MultilingualMethods.CodeMixesRandomly(method) is { } random
            ? parts.Time("code-mix", () => CodeMix(cell, trainFiles, random))
            : [];
        IReadOnlyList<Sentence> generated = [];
        double? melmDevAccuracy = null;
        var made = mixed.Count;
        if (method is MultilingualMethod.MelmGold or MultilingualMethod.Melm)
        {
            // MELM over the gold union (melm-gold) or over gold plus code-mixed sentences (melm), with a
            // language marker before each entity token, as `melm augment --codemix` runs it.
            var training = gold with { Sentences = [.. gold.Sentences, .. mixed] };
            var tuned = Path.Combine(folder, "model");
            var fineTuned = parts.Time("fine-tune", () => MelmFineTuner.FromPretrained(settings.Model, training, dev, tuned, AugmentationMethod.Melm,
                settings.FineTune with { Seed = seed }, languages, device, output.Progress, [.. languages.SelectMany(l => Corpora(l).Train.Sentences)]));
            melmDevAccuracy = fineTuned.BestDevAccuracy;
            var filterTagger = MultilingualGoldTagger(cell, gold, dev);
            generated = GenerateAndFilter(AugmentationMethod.Melm, tuned, training, filterTagger, Path.Combine(folder, "aug"), seed, parts, out var rewrites);
            made += rewrites;
        }
        IReadOnlyList<Sentence> augmented = [.. mixed, .. generated];
        var taggerFolder = method == MultilingualMethod.GoldOnly ? MultilingualGoldTaggerFolder(cell) : Path.Combine(folder, "tagger");
        var tagging = parts.Time("train tagger", () =>
            TrainTagger(LabelsOf(languages), gold with { Sentences = [.. gold.Sentences, .. augmented] }, dev, taggerFolder, seed));
        var scores = parts.Time("evaluate", () => languages.Select(language => Score(taggerFolder, language)).ToArray());
        var diagnostics = method == MultilingualMethod.GoldOnly
            ? null
            : CellDiagnostics.Of(made, augmented, gold.Sentences, TrainWords([.. languages]), melmDevAccuracy);
        return new CellResult(MultilingualCell.Language, cell.N, cell.Seed, MultilingualMethods.Name(method), gold.Sentences.Count, augmented.Count,
            scores.Sum(s => s.TestSentences), scores.Average(s => s.Precision), scores.Average(s => s.Recall), scores.Average(s => s.F1),
            tagging.BestEpoch, tagging.BestDevF1, parts.Seconds, TestScores: scores, Diagnostics: diagnostics);
    }

    /// <summary>
    /// Each language's sample, drawn as a monolingual cell draws it (under the cell's sample/LANG/),
    /// then read together as `melm codemix` reads its --train files: ids prefixed by language, each
    /// sentence with its language; the dev samples likewise.
    /// </summary>
    private (Corpus Gold, Corpus Dev, IReadOnlyList<LanguageFile> TrainFiles) MultilingualSample(MultilingualCell cell)
    {
        var trainFiles = new List<LanguageFile>();
        var devFiles = new List<LanguageFile>();
        foreach (var language in settings.Multilingual!.Languages)
        {
            var folder = Path.Combine(settings.Out, cell.Name, "sample", language);
            var corpora = Corpora(language);
            LowResourceSample.DrawOnce(folder, cell.N, cell.Seed, () => (corpora.Train, corpora.Dev));
            trainFiles.Add(new LanguageFile(language, Path.Combine(folder, LowResourceSample.TrainFile)));
            devFiles.Add(new LanguageFile(language, Path.Combine(folder, LowResourceSample.DevFile)));
        }
        var source = Path.Combine(settings.Out, cell.Name, "sample");
        var gold = new Corpus(source, CodeMixRun.ReadTraining(trainFiles).Sentences);
        var dev = new Corpus(source, CodeMixRun.ReadTraining(devFiles).Sentences);
        return (gold, dev, trainFiles);
    }

    /// <summary>
    /// The cell's code-mixed sentences (one per gold sentence with entities), written once per cell
    /// and kind under codemix-random/ or codemix-ess/ and shared by the methods that use them.
    /// </summary>
    private IReadOnlyList<Sentence> CodeMix(MultilingualCell cell, IReadOnlyList<LanguageFile> trainFiles, bool random)
    {
        var folder = Path.Combine(settings.Out, cell.Name, random ? "codemix-random" : "codemix-ess");
        if (AugmentationOutput.ReadSummary(folder) is null)
        {
            // ESS: the most similar same-type entity of another language by the model's mean-pooled encoder states (no aligned vectors here).
            var job = new CodeMixJob(trainFiles, [], random ? null : settings.Model, random, Rounds: 1, unchecked((ulong)cell.Seed));
            CodeMixRun.Run(job, folder, () => device, output.Say, output.Progress);
        }
        return CodeMixFolder.Read(folder).Mixed;
    }

    private string MultilingualGoldTaggerFolder(MultilingualCell cell) =>
        Path.Combine(settings.Out, cell.Name, MultilingualMethods.Name(MultilingualMethod.GoldOnly), "tagger");

    /// <summary>The tagger trained on the cell's gold union: the gold-only result and MELM's consistency filter.</summary>
    private string MultilingualGoldTagger(MultilingualCell cell, Corpus gold, Corpus dev)
    {
        var folder = MultilingualGoldTaggerFolder(cell);
        new StepClock(Path.GetDirectoryName(folder)!).Time("train tagger",
            () => TrainTagger(LabelsOf(settings.Multilingual!.Languages), gold, dev, folder, unchecked((ulong)cell.Seed)));
        return folder;
    }
}
