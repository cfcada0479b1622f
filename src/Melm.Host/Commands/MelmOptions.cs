using System.CommandLine;
using System.Globalization;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using static TorchSharp.torch;

namespace Melm.Host.Commands;

/// <summary>The options `melm finetune`, `melm generate` and `melm augment` share, with their paper defaults, and how they are read.</summary>
internal sealed class MelmOptions
{
    public Option<string> Method { get; } = new("--method")
    {
        Description = $"What makes the rewrites: {string.Join(", ", AugmentationMethods.Names)}.",
        DefaultValueFactory = _ => AugmentationMethods.Name(AugmentationMethod.Melm),
    };

    public Option<ulong> Seed { get; } = new("--seed") { Description = "Run seed; every random draw derives from it, the sentence id and the round.", DefaultValueFactory = _ => 1UL };

    public ComputeArguments Compute { get; } = new();

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Fine-tuning epochs (paper: 20).", DefaultValueFactory = _ => 20 };

    public Option<int> FineTuneBatchSize { get; } = new("--batch-size") { Description = "Fine-tuning batch in sentences (paper: 30).", DefaultValueFactory = _ => 30 };

    public Option<double> LearningRate { get; } = new("--lr") { Description = "Adam learning rate (paper: 1e-5).", DefaultValueFactory = _ => 1e-5 };

    public Option<double> MaskRate { get; } = new("--mask-rate") { Description = "eta: share of entity subwords masked in fine-tuning (paper: 0.7).", DefaultValueFactory = _ => 0.7 };

    public Option<string?> Languages { get; } = new("--languages") { Description = "Comma-separated languages to give markers (multilingual runs); default: those of the training data when it has several." };

    public Option<int> Rounds { get; } = new("--rounds") { Description = "R: rewrites per training sentence (paper: 3).", DefaultValueFactory = _ => 3 };

    public Option<int> TopK { get; } = new("--top-k") { Description = "k: candidates a replacement is drawn from (paper: 5).", DefaultValueFactory = _ => 5 };

    public Option<double> Mu { get; } = new("--mu") { Description = "Mean share of an entity word's subwords masked in generation (paper: 0.5).", DefaultValueFactory = _ => 0.5 };

    public Option<string> Sampling { get; } = new("--sampling") { Description = "uniform (paper), weighted (by probability) or exclude-original.", DefaultValueFactory = _ => "uniform" };

    public Option<bool> SameScript { get; } = new("--same-script") { Description = "Only candidates in the script of the word they replace." };

    public Option<int> GenerateBatchSize { get; }

    public MelmOptions(string generateBatchName = "--batch-size") =>
        GenerateBatchSize = new(generateBatchName) { Description = "Model rows per generation forward pass; results do not depend on it.", DefaultValueFactory = _ => 32 };

    public IEnumerable<Option> FineTuneOptions => [Epochs, FineTuneBatchSize, LearningRate, MaskRate, Languages];

    public IEnumerable<Option> GenerationOptions => [Rounds, TopK, Mu, Sampling, SameScript, GenerateBatchSize];

    public AugmentationMethod ReadMethod(ParseResult result)
    {
        var text = result.GetValue(Method)!;
        return AugmentationMethods.TryParse(text, out var method)
            ? method
            : throw new InputException("--method", null, $"unknown method '{text}' (expected {string.Join(", ", AugmentationMethods.Names)})");
    }

    public Device ReadDevice(ParseResult result) => Compute.Read(result).Apply("--device");

    public IReadOnlyList<string>? ReadLanguages(ParseResult result) =>
        result.GetValue(Languages) is { } text ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;

    public FineTuneOptions ReadFineTune(ParseResult result) => new(
        result.GetValue(Epochs), result.GetValue(FineTuneBatchSize), result.GetValue(LearningRate), result.GetValue(MaskRate), result.GetValue(Seed));

    public GenerationOptions ReadGeneration(ParseResult result)
    {
        var problems = new List<InputProblem>();
        var sampling = result.GetValue(Sampling)!.ToLowerInvariant() switch
        {
            "uniform" => CandidateSampling.Uniform,
            "weighted" => CandidateSampling.ProbabilityWeighted,
            "exclude-original" => CandidateSampling.ExcludeOriginal,
            var other => Bad<CandidateSampling>("--sampling", $"unknown sampling '{other}' (expected uniform, weighted or exclude-original)"),
        };
        var rounds = Positive(Rounds, result.GetValue(Rounds));
        var topK = Positive(TopK, result.GetValue(TopK));
        var batch = Positive(GenerateBatchSize, result.GetValue(GenerateBatchSize));
        var mu = result.GetValue(Mu);
        if (!double.IsFinite(mu) || mu < 0)
            problems.Add(new("--mu", null, string.Create(CultureInfo.InvariantCulture, $"must be a finite non-negative number, got {mu}")));
        if (problems.Count > 0)
            throw new InputException(problems);
        return new GenerationOptions(rounds, topK, mu, sampling, result.GetValue(SameScript), batch, result.GetValue(Seed));

        int Positive(Option<int> option, int value)
        {
            if (value <= 0)
                problems.Add(new(option.Name, null, $"must be positive, got {value}"));
            return value;
        }

        T Bad<T>(string source, string message)
        {
            problems.Add(new(source, null, message));
            return default!;
        }
    }

    /// <summary>Reads a corpus and checks its tags; an empty file is bad input, not an empty run.</summary>
    public static Corpus ReadCorpus(string path)
    {
        var corpus = CorpusFile.Read(path);
        if (corpus.Sentences.Count == 0)
            throw new InputException(path, null, "the file holds no sentences");
        TagSchemes.EnsureValid(corpus);
        return corpus;
    }
}
