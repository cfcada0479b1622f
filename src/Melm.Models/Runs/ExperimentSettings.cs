using System.Text.Json.Serialization;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;

namespace Melm.Models.Runs;

/// <summary>
/// A grid of low-resource runs (paper 3.1): for every language, sample size N and seed, each method's
/// final tagger is trained on gold (+ augmented) data and scored on the language's full test set.
/// </summary>
/// <param name="ConllRoot">A folder with LANG/train.txt, LANG/dev.txt and LANG/test.txt.</param>
/// <param name="Model">The pretrained MLM: the encoder of every tagger and the MLM MELM starts from.</param>
/// <param name="Tagger">Tagger training options; the seed is replaced by each cell's seed.</param>
/// <param name="FineTune">MELM fine-tuning options; the seed is replaced by each cell's seed.</param>
/// <param name="Rounds">R: rewrites per sentence, for every augmentation method.</param>
/// <param name="Out">The experiment folder: one subfolder per cell, results.md and results.json.</param>
public sealed record ExperimentSettings(
    string ConllRoot,
    string Model,
    IReadOnlyList<string> Languages,
    IReadOnlyList<int> Sizes,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<AugmentationMethod> Methods,
    NerTrainingOptions Tagger,
    FineTuneOptions FineTune,
    int Rounds,
    string Out)
{
    /// <summary>Generation options beyond R (top-k, mu, sampling) from a grid file; null: the paper's defaults.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GenerationOptions? Generation { get; init; }

    /// <summary>The language whose taggers are also scored on <see cref="CrossLingualTargets"/>' test sets (zero-shot, paper Table 1 right).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CrossLingualSource { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? CrossLingualTargets { get; init; }

    /// <summary>
    /// The oracle behind paper Figure 4: per language a tagger trained on the full gold train split,
    /// which judges whether a new entity an augmentation wrote is valid (tagged as intended); null: not measured.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OracleOptions? Oracle { get; init; }

    /// <summary>The multilingual setting (paper Table 2); null when the grid has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MultilingualGrid? Multilingual { get; init; }

    /// <summary>Every multilingual (N, seed) in a fixed order: sizes, then seeds.</summary>
    public IEnumerable<MultilingualCell> MultilingualCells() =>
        Multilingual is { } grid ? from n in grid.Sizes from seed in Seeds select new MultilingualCell(n, seed) : [];

    /// <summary>Method runs in the whole grid: monolingual cells times methods, then multilingual ones.</summary>
    public int TotalRuns => Cells().Count() * Methods.Count + MultilingualCells().Count() * (Multilingual?.Methods.Count ?? 0);

    /// <summary>The test sets a cell's taggers are scored on besides its own language's: the cross-lingual targets for the source language.</summary>
    public IReadOnlyList<string> TargetsOf(string language) =>
        CrossLingualSource == language && CrossLingualTargets is { } targets ? targets : [];

    /// <summary>A cell's generation options: the grid's, with its seed.</summary>
    public GenerationOptions GenerationFor(ulong seed) => (Generation ?? new GenerationOptions(Rounds: Rounds)) with { Rounds = Rounds, Seed = seed };

    public string Split(string language, string split) => Path.Combine(ConllRoot, language, split + ".txt");

    /// <summary>The cluster job that runs one cell on a worker (RunSpec.IsJob).</summary>
    public ExperimentCellJob JobFor(ExperimentCell cell) =>
        new(ConllRoot, Model, Out, cell.Language, cell.N, cell.Seed, [.. Methods.Select(AugmentationMethods.Name)], Tagger, FineTune, Rounds)
        {
            Generation = Generation,
            CrossLingualTargets = TargetsOf(cell.Language) is { Count: > 0 } targets ? targets : null,
            Oracle = Oracle,
        };

    /// <summary>The cluster job that trains a language's Figure 4 oracle: a job with no methods, N and seed 0.</summary>
    public ExperimentCellJob OracleJobFor(string language) =>
        new(ConllRoot, Model, Out, language, 0, 0, [], Tagger, FineTune, Rounds) { Oracle = Oracle ?? throw new InvalidOperationException("the grid has no oracle") };

    /// <summary>The cluster job that runs one multilingual cell, all its methods, on a worker.</summary>
    public ExperimentCellJob JobFor(MultilingualCell cell) =>
        new(ConllRoot, Model, Out, MultilingualCell.Language, cell.N, cell.Seed, [.. Multilingual!.Methods.Select(MultilingualMethods.Name)], Tagger, FineTune, Rounds)
        {
            Generation = Generation,
            MultilingualLanguages = Multilingual.Languages,
        };

    /// <summary>A multilingual job's cell and the one-cell grid that runs it.</summary>
    public static (ExperimentSettings Settings, MultilingualCell Cell) FromMultilingualJob(ExperimentCellJob job)
    {
        var languages = job.MultilingualLanguages ?? throw new ArgumentException("not a multilingual cell", nameof(job));
        var methods = job.Methods.Select(name => MultilingualMethods.Parse(name)
            ?? throw new InputException(job.Out, null, $"unknown multilingual method '{name}'")).ToArray();
        var settings = new ExperimentSettings(job.ConllRoot, job.Model, [], [], [job.Seed], [], job.Tagger, job.FineTune, job.Rounds, job.Out)
        {
            Generation = job.Generation,
            Multilingual = new MultilingualGrid(languages, [job.N], methods),
        };
        return (settings, new MultilingualCell(job.N, job.Seed));
    }

    /// <summary>A monolingual job's cell and the one-cell grid that runs it.</summary>
    public static (ExperimentSettings Settings, ExperimentCell Cell) FromJob(ExperimentCellJob job)
    {
        var methods = job.Methods.Select(name => AugmentationMethods.TryParseExperiment(name, out var method)
            ? method
            : throw new InputException(job.Out, null, $"unknown experiment method '{name}'")).ToArray();
        var settings = new ExperimentSettings(job.ConllRoot, job.Model, [job.Language], [job.N], [job.Seed], methods, job.Tagger, job.FineTune, job.Rounds, job.Out)
        {
            Generation = job.Generation,
            CrossLingualSource = job.CrossLingualTargets is null ? null : job.Language,
            CrossLingualTargets = job.CrossLingualTargets,
            Oracle = job.Oracle,
        };
        return (settings, new ExperimentCell(job.Language, job.N, job.Seed));
    }

    /// <summary>Every (language, N, seed) in a fixed order: languages, then sizes, then seeds.</summary>
    public IEnumerable<ExperimentCell> Cells() =>
        from language in Languages from n in Sizes from seed in Seeds select new ExperimentCell(language, n, seed);
}
