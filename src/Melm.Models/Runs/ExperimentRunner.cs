using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Melm.Models.Augmentation;
using Melm.Models.Baselines;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Diagnostics;
using Melm.Models.Mlm;
using Melm.Models.Tagging;
using Device = TorchSharp.torch.Device;

namespace Melm.Models.Runs;

/// <summary>
/// Runs a grid cell by cell and method by method. Every finished part leaves its files in the
/// experiment folder (sample, taggers, fine-tuned models, augmented data, result.json), so a rerun
/// after a crash or a stop continues where the last one ended and recomputes nothing finished.
/// `melm experiment` runs whole grids through here, a node's worker one cell (StageRunner); what
/// it says goes to <paramref name="output"/>, which the caller draws.
/// </summary>
public sealed partial class ExperimentRunner(ExperimentSettings settings, Device device, ExperimentOutput output)
{
    private readonly Dictionary<string, (Corpus Train, Corpus Dev, Corpus Test)> _corpora = new(StringComparer.Ordinal);

    /// <param name="saved">Told the results so far after each method run here (the command writes its report then).</param>
    public IReadOnlyList<CellResult> Run(Action<IReadOnlyList<CellResult>> saved)
    {
        var runs = settings.Cells().SelectMany(cell => settings.Methods.Select(method => (Cell: cell, Method: method))).ToArray();
        var results = new List<CellResult>();
        var clock = Stopwatch.StartNew();
        var ranHere = 0;
        for (var i = 0; i < runs.Length; i++)
        {
            var (cell, method) = runs[i];
            var (result, ran) = RunOrLoad(cell, method, () => Heading(i, settings.TotalRuns, cell.ToString(), AugmentationMethods.Name(method), clock.Elapsed, ranHere));
            results.Add(result);
            if (!ran)
                continue;
            ranHere++;
            saved(results);
        }
        var multiRuns = settings.MultilingualCells().SelectMany(cell => settings.Multilingual!.Methods.Select(method => (Cell: cell, Method: method))).ToArray();
        for (var i = 0; i < multiRuns.Length; i++)
        {
            var (cell, method) = multiRuns[i];
            var index = runs.Length + i;
            var (result, ran) = RunOrLoadMultilingual(cell, method,
                () => Heading(index, settings.TotalRuns, cell.ToString(), MultilingualMethods.Name(method), clock.Elapsed, ranHere));
            results.Add(result);
            if (!ran)
                continue;
            ranHere++;
            saved(results);
        }
        return results;
    }

    /// <summary>
    /// Every method of one cell, as a cluster worker runs it (an experiment-cell job): each result is
    /// saved in its method folder; the grid's report is left to the command that collects the cells.
    /// </summary>
    /// <param name="progress">Told, before each method, which one the cell is at (the worker sends it to the run's status).</param>
    public IReadOnlyList<CellResult> RunCell(ExperimentCell cell, IProgress<ProgressUpdate> progress)
    {
        var results = new List<CellResult>();
        foreach (var (method, i) in settings.Methods.Select((method, i) => (method, i)))
        {
            progress.Report(new ProgressUpdate($"{cell.Name} {AugmentationMethods.Name(method)}", i, settings.Methods.Count, "methods"));
            results.Add(RunOrLoad(cell, method, () => $"{cell} method {i + 1}/{settings.Methods.Count}: {AugmentationMethods.Name(method)}").Result);
        }
        progress.Report(new ProgressUpdate(cell.Name, results.Count, settings.Methods.Count, "methods"));
        return results;
    }

    /// <summary>A multilingual cell's methods, as <see cref="RunCell"/> runs a monolingual cell's.</summary>
    public IReadOnlyList<CellResult> RunMultilingualCell(MultilingualCell cell, IProgress<ProgressUpdate> progress)
    {
        var methods = settings.Multilingual!.Methods;
        var results = new List<CellResult>();
        foreach (var (method, i) in methods.Select((method, i) => (method, i)))
        {
            progress.Report(new ProgressUpdate($"{cell.Name} {MultilingualMethods.Name(method)}", i, methods.Count, "methods"));
            results.Add(RunOrLoadMultilingual(cell, method, () => $"{cell} method {i + 1}/{methods.Count}: {MultilingualMethods.Name(method)}").Result);
        }
        progress.Report(new ProgressUpdate(cell.Name, results.Count, methods.Count, "methods"));
        return results;
    }

    /// <summary>The method's saved result, or the method run now and its result saved; Ran says which.</summary>
    private (CellResult Result, bool Ran) RunOrLoad(ExperimentCell cell, AugmentationMethod method, Func<string> heading)
    {
        var folder = MethodFolder(cell, method);
        if (CellResult.Load(folder) is { } finished)
        {
            var completed = WithOracle(cell, method, WithTargets(cell, method, finished));
            if (ReferenceEquals(completed, finished))
                return (finished, false);
            completed.Save(folder);
            return (completed, true);
        }
        output.Heading(heading());
        var result = WithOracle(cell, method, WithTargets(cell, method, RunMethod(cell, method, folder)));
        result.Save(folder);
        output.Say(string.Create(CultureInfo.InvariantCulture,
            $"{cell} {AugmentationMethods.Name(method)}: test F1 {result.F1:F2}, {result.AugmentedSentences} augmented sentences")
            + string.Concat((result.TestScores ?? []).Select(t => string.Create(CultureInfo.InvariantCulture, $"; {t.Language} test F1 {t.F1:F2}"))));
        return (result, true);
    }

    /// <summary>
    /// The result with the zero-shot scores the grid asks of the cell's language (paper Table 1,
    /// right): its tagger scored on each target language's test set; a result that already has
    /// them comes back as it is.
    /// </summary>
    private CellResult WithTargets(ExperimentCell cell, AugmentationMethod method, CellResult result)
    {
        var wanted = settings.TargetsOf(cell.Language);
        var have = result.TestScores ?? [];
        if (wanted.All(t => have.Any(h => h.Language == t)))
            return result;
        var tagger = method == AugmentationMethod.GoldOnly ? GoldTaggerFolder(cell) : Path.Combine(MethodFolder(cell, method), "tagger");
        var scores = wanted.Select(target => have.FirstOrDefault(h => h.Language == target) ?? Score(tagger, target)).ToArray();
        return result with { TestScores = scores };
    }

    /// <summary>
    /// The result with paper Figure 4's count when the grid asks for it: the distinct new entities
    /// of the method's kept rewrites and how many the language's oracle tagger tags as intended; a
    /// result that has it, or a method without rewrites, comes back as it is.
    /// </summary>
    private CellResult WithOracle(ExperimentCell cell, AugmentationMethod method, CellResult result)
    {
        if (settings.Oracle is null || result.Diagnostics is not { } diagnostics || diagnostics.ValidNewEntities is not null)
            return result;
        var folder = MethodFolder(cell, method);
        var kept = ReadAugmented(AugmentationMethods.Substitutes(method)
            ? Path.Combine(folder, AugmentationOutput.AugmentedJsonLines)
            : Path.Combine(folder, "aug", AugmentationOutput.AugmentedJsonLines));
        IReadOnlyList<IReadOnlyList<string>> tags = [];
        if (kept.Count > 0)
        {
            using var oracle = AugmentPipeline.LoadFilter(OracleTagger(cell.Language), device);
            tags = oracle.Predictor.Predict([.. kept.Select(s => s.Tokens)]);
        }
        var (fresh, valid) = CellDiagnostics.ValidEntities(kept, tags, Sample(cell).Train.Sentences);
        return result with { Diagnostics = diagnostics with { NewEntities = fresh, ValidNewEntities = valid } };
    }

    /// <summary>The language's Figure 4 oracle: a tagger trained once on its full train split (best epoch by its full dev split).</summary>
    public string OracleTagger(string language)
    {
        var folder = Path.Combine(settings.Out, "oracle", language);
        var corpora = Corpora(language);
        var options = settings.Tagger with { Epochs = settings.Oracle!.Epochs, LearningRate = settings.Oracle.LearningRate };
        new StepClock(folder).Time("train oracle", () => TrainTagger(LabelsOf([language]), corpora.Train, corpora.Dev, Path.Combine(folder, "tagger"), 1, options));
        return Path.Combine(folder, "tagger");
    }

    private TargetScore Score(string tagger, string language)
    {
        var test = Corpora(language).Test;
        var score = TaggerScore.Of(tagger, test, device).Overall;
        return new TargetScore(language, test.Sentences.Count, score.Precision, score.Recall, score.F1);
    }

    /// <summary>"run 5/36: en N=100 seed 2 melm", with the rate and ETA of the runs done in this process.</summary>
    private static string Heading(int index, int total, string cell, string method, TimeSpan elapsed, int ranHere)
    {
        var heading = $"run {index + 1}/{total}: {cell} {method}";
        if (ranHere == 0)
            return heading;
        var perRun = elapsed / ranHere;
        var eta = perRun * (total - index);
        return heading + string.Create(CultureInfo.InvariantCulture, $" ({perRun.TotalMinutes:F1} min/run here, ETA {eta:hh\\:mm\\:ss})");
    }

    private string CellFolder(ExperimentCell cell) => Path.Combine(settings.Out, cell.Name);

    private string MethodFolder(ExperimentCell cell, AugmentationMethod method) => Path.Combine(CellFolder(cell), AugmentationMethods.Name(method));

    private CellResult RunMethod(ExperimentCell cell, AugmentationMethod method, string folder)
    {
        var (train, dev, test) = Sample(cell);
        var parts = new StepClock(folder);
        var seed = unchecked((ulong)cell.Seed);
        double? melmDevAccuracy = null;
        var made = 0;
        IReadOnlyList<Sentence> augmented = method switch
        {
            AugmentationMethod.GoldOnly => [],
            AugmentationMethod.Labelwise => parts.Time("augment", () => Labelwise(train, folder, seed)),
            AugmentationMethod.NamesCeiling => parts.Time("augment", () => Labelwise(train, folder, seed, Corpora(cell.Language).Train.Sentences)),
            _ => Generate(cell, method, train, dev, folder, parts, out melmDevAccuracy, out made),
        };
        var diagnostics = method == AugmentationMethod.GoldOnly
            ? null
            : CellDiagnostics.Of(AugmentationMethods.Substitutes(method) ? augmented.Count : made, augmented, train.Sentences, TrainWords(cell.Language), melmDevAccuracy);
        var taggerFolder = method == AugmentationMethod.GoldOnly ? GoldTaggerFolder(cell) : Path.Combine(folder, "tagger");
        var training = parts.Time("train tagger", () =>
            TrainTagger(LabelsOf([cell.Language]), train with { Sentences = [.. train.Sentences, .. augmented] }, dev, taggerFolder, seed));
        var score = parts.Time("evaluate", () => TaggerScore.Of(taggerFolder, test, device).Overall);
        return new CellResult(cell.Language, cell.N, cell.Seed, AugmentationMethods.Name(method), train.Sentences.Count, augmented.Count,
            test.Sentences.Count, score.Precision, score.Recall, score.F1, training.BestEpoch, training.BestDevF1, parts.Seconds, Diagnostics: diagnostics);
    }

    /// <summary>Every word of the language's train split: its unlabelled text, what a new entity word is checked against.</summary>
    private HashSet<string> TrainWords(params IReadOnlyList<string> languages) =>
        languages.SelectMany(l => Corpora(l).Train.Sentences).SelectMany(s => s.Tokens).ToHashSet(StringComparer.Ordinal);

    /// <summary>The cell's gold sample, written under the cell folder with its manifest the first time.</summary>
    private (Corpus Train, Corpus Dev, Corpus Test) Sample(ExperimentCell cell)
    {
        var corpora = Corpora(cell.Language);
        var (train, dev) = LowResourceSample.DrawOnce(Path.Combine(CellFolder(cell), "sample"), cell.N, cell.Seed, () => (corpora.Train, corpora.Dev));
        return (train, dev, corpora.Test);
    }

    /// <summary>A language's train, dev and test splits, read once.</summary>
    private (Corpus Train, Corpus Dev, Corpus Test) Corpora(string language)
    {
        if (!_corpora.TryGetValue(language, out var corpora))
        {
            var read = CorpusFile.ReadAll([settings.Split(language, "train"), settings.Split(language, "dev"), settings.Split(language, "test")]);
            _corpora[language] = corpora = (read[0], read[1], read[2]);
        }
        return corpora;
    }

    /// <summary>Label-wise substitution of the sample, R rounds, unfiltered; its mentions come from <paramref name="mentions"/> (default: the sample's own).</summary>
    private IReadOnlyList<Sentence> Labelwise(Corpus train, string folder, ulong seed, IReadOnlyList<Sentence>? mentions = null)
    {
        var path = Path.Combine(folder, AugmentationOutput.AugmentedJsonLines);
        if (File.Exists(path))
            return ReadAugmented(path);
        var rewriter = LabelwiseSubstitution.For(train.Sentences, settings.GenerationFor(seed).Seed, mentions);
        var sentences = AugmentationRun.Run(rewriter, train.Sentences, settings.Rounds, filter: null, source: train.Source).Kept.Select(r => r.Sentence).ToArray();
        CorpusFile.WriteSentences(sentences, path);
        return sentences;
    }

    /// <summary>Fine-tunes (when the method does), generates R rounds and keeps what the gold tagger agrees with.</summary>
    /// <param name="melmDevAccuracy">The fine-tuned model's dev accuracy on masked entity subwords (null when the method does not fine-tune).</param>
    /// <param name="made">Rewrites made before the filter.</param>
    private IReadOnlyList<Sentence> Generate(ExperimentCell cell, AugmentationMethod generator, Corpus train, Corpus dev, string folder, StepClock parts,
        out double? melmDevAccuracy, out int made)
    {
        var seed = unchecked((ulong)cell.Seed);
        var model = settings.Model;
        melmDevAccuracy = null;
        if (AugmentationMethods.IsFineTuned(generator))
        {
            var tuned = Path.Combine(folder, "model");
            var fineTuned = parts.Time("fine-tune", () => MelmFineTuner.FromPretrained(model, train, dev, tuned, generator, settings.FineTune with { Seed = seed }, null, device, output.Progress, _corpora[cell.Language].Train.Sentences));
            melmDevAccuracy = fineTuned.BestDevAccuracy;
            model = tuned;
        }
        var filterTagger = GoldTagger(cell, train, dev);
        return GenerateAndFilter(generator, model, train, filterTagger, Path.Combine(folder, "aug"), seed, parts, out made);
    }

    /// <summary>
    /// R rounds of <paramref name="generator"/> from <paramref name="model"/> over <paramref name="training"/>,
    /// filtered by the tagger in <paramref name="filterTagger"/>, written to <paramref name="output"/> (or read
    /// from it when an earlier run finished it); returns the kept rewrites.
    /// </summary>
    private IReadOnlyList<Sentence> GenerateAndFilter(AugmentationMethod generator, string model, Corpus training, string filterTagger, string folder,
        ulong seed, StepClock parts, out int made)
    {
        var kept = parts.Time("generate and filter", () =>
        {
            if (AugmentationOutput.ReadSummary(folder) is null)
            {
                var generation = settings.GenerationFor(seed);
                var rewriter = Rewriters.Open(generator, model, training.Sentences, generation, device);
                using (rewriter as IDisposable)
                using (var filter = AugmentPipeline.LoadFilter(filterTagger, device))
                    AugmentPipeline.RunAndWrite(rewriter, training, settings.Rounds, filter.Predictor, generation.BatchSize, folder, generation.Filter, output.Progress, output.Say);
            }
            return ReadAugmented(Path.Combine(folder, AugmentationOutput.AugmentedJsonLines));
        });
        made = AugmentationOutput.ReadSummary(folder)!.RewritesMade;
        return kept;
    }

    /// <summary>Augmented sentences written earlier; an empty file is a method that kept none (the corpus reader refuses empty files).</summary>
    private static IReadOnlyList<Sentence> ReadAugmented(string path) =>
        new FileInfo(path).Length == 0 ? [] : CorpusFile.Read(path).Sentences;

    /// <summary>The tagger trained on the cell's gold sample: the gold-only result and the MELM methods' consistency filter.</summary>
    private string GoldTagger(ExperimentCell cell, Corpus train, Corpus dev)
    {
        var folder = GoldTaggerFolder(cell);
        new StepClock(MethodFolder(cell, AugmentationMethod.GoldOnly)).Time("train tagger", () => TrainTagger(LabelsOf([cell.Language]), train, dev, folder, unchecked((ulong)cell.Seed)));
        return folder;
    }

    private string GoldTaggerFolder(ExperimentCell cell) => Path.Combine(MethodFolder(cell, AugmentationMethod.GoldOnly), "tagger");

    /// <summary>
    /// The tagger labels of the languages' full train splits: a 100-sentence sample may lack a tag
    /// that its dev sample has, so the split, not the sample, fixes the label set.
    /// </summary>
    private TaggerLabels LabelsOf(IReadOnlyList<string> languages) =>
        TaggerLabels.FromTraining(new Corpus(string.Join("+", languages), [.. languages.SelectMany(l => Corpora(l).Train.Sentences)]));

    /// <summary>Trains a tagger into the folder, or reads what a previous run trained there.</summary>
    /// <param name="options">Training options other than the grid's tagger options (the oracle's); the seed is replaced by <paramref name="seed"/>.</param>
    private TaggerTraining TrainTagger(TaggerLabels labels, Corpus train, Corpus dev, string folder, ulong seed, NerTrainingOptions? options = null)
    {
        var summary = Path.Combine(folder, TaggerTraining.FileName);
        if (File.Exists(summary))
            return JsonSerializer.Deserialize<TaggerTraining>(File.ReadAllBytes(summary))!;
        var (result, _) = NerTrainer.TrainAndSave(settings.Model, train, dev, (options ?? settings.Tagger) with { Seed = seed }, device, folder, labels,
            progress: output.Progress, say: output.Say);
        var training = new TaggerTraining(result.BestEpoch, result.BestDevF1);
        File.WriteAllBytes(summary, JsonSerializer.SerializeToUtf8Bytes(training));
        return training;
    }

    /// <summary>What a tagger's training kept, saved beside the tagger so a resumed run can report it.</summary>
    private sealed record TaggerTraining(int BestEpoch, double BestDevF1)
    {
        public const string FileName = "training.json";
    }
}
