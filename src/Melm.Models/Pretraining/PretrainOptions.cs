using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Melm.Models.Diagnostics;

namespace Melm.Models.Pretraining;

/// <summary>
/// What defines a pretraining run: data, tokenizer, model shape, schedule, seed. A resumed run
/// must have the same options; budgets (steps, minutes) and the compute device may change.
/// </summary>
public sealed record PretrainOptions
{
    /// <summary>Plain text files, one sentence per line.</summary>
    public IReadOnlyList<string> TextFiles { get; init; } = [];

    /// <summary>CoNLL files whose tokens are used as text (train splits only).</summary>
    public IReadOnlyList<string> ConllFiles { get; init; } = [];

    /// <summary>A tokenizer folder or SentencePiece file; null takes the one in <see cref="InitFolder"/>.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>Continue from this model folder (domain adaptation) instead of a fresh small model.</summary>
    public string? InitFolder { get; init; }

    /// <summary>From-scratch shape overrides of <see cref="Nn.RobertaConfig.Small"/>.</summary>
    public int? Layers { get; init; }
    public int? Hidden { get; init; }
    public int? Heads { get; init; }
    public int? Intermediate { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Longest block in tokens, &lt;s&gt; and &lt;/s&gt; included.</summary>
    public int BlockSize { get; init; } = 128;

    public int BatchSize { get; init; } = 32;

    /// <summary>Length of the learning-rate schedule; null: <see cref="Epochs"/> passes over the training blocks.</summary>
    public int? TotalSteps { get; init; }

    public int Epochs { get; init; } = 10;

    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Share of the schedule spent warming the learning rate up linearly; then it decays linearly to 0.</summary>
    public double WarmupShare { get; init; } = 0.05;

    public double WeightDecay { get; init; } = 0.01;

    public double ClipNorm { get; init; } = 1.0;

    public double MaskRate { get; init; } = 0.15;

    /// <summary>Single tokens (the default, RoBERTa's), whole words, or whole words with salient spans first.</summary>
    public MaskingScheme Masking { get; init; } = MaskingScheme.Token;

    /// <summary>With <see cref="MaskingScheme.Salient"/>: the share of each block's masking budget spent on salient spans.</summary>
    public double SalientShare { get; init; } = 0.5;

    /// <summary>Held-out lines; null: 1% of the lines.</summary>
    public int? HoldoutLines { get; init; }

    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Problems with the numbers, each naming its command-line option.</summary>
    public IReadOnlyList<InputProblem> Check()
    {
        var problems = new List<InputProblem>();
        void Require(bool ok, string option, string message)
        {
            if (!ok)
                problems.Add(new InputProblem(option, null, message));
        }
        Require(TextFiles.Count + ConllFiles.Count > 0, "--text/--conll", "no training text: give at least one --text or --conll file");
        Require(Tokenizer is not null || InitFolder is not null, "--tokenizer", "a from-scratch run needs --tokenizer (a folder or a SentencePiece model file)");
        Require(InitFolder is null || (Layers ?? Hidden ?? Heads ?? Intermediate) is null, "--init", "--layers/--hidden/--heads/--intermediate shape a new model; a run from --init keeps the checkpoint's shape");
        Require(BlockSize >= 3, "--block", $"must be at least 3, got {BlockSize}");
        Require(BatchSize > 0, "--batch", $"must be positive, got {BatchSize}");
        Require(TotalSteps is null or > 0, "--total-steps", $"must be positive, got {TotalSteps}");
        Require(Epochs > 0, "--epochs", $"must be positive, got {Epochs}");
        Require(LearningRate > 0, "--lr", $"must be positive, got {LearningRate}");
        Require(WarmupShare is >= 0 and < 1, "--warmup", $"must be in [0, 1), got {WarmupShare}");
        Require(WeightDecay >= 0, "--weight-decay", $"must not be negative, got {WeightDecay}");
        Require(ClipNorm > 0, "--clip", $"must be positive, got {ClipNorm}");
        Require(MaskRate is > 0 and < 1, "--mask-rate", $"must be in (0, 1), got {MaskRate}");
        Require(SalientShare is >= 0 and <= 1, "--salient-share", $"must be in [0, 1], got {SalientShare}");
        Require(Masking == MaskingScheme.Salient || SalientShare == 0.5, "--salient-share", "applies only to --masking salient");
        Require(HoldoutLines is null or >= 0, "--holdout", $"must not be negative, got {HoldoutLines}");
        Require(CheckpointEvery > 0, "--checkpoint-every", $"must be positive, got {CheckpointEvery}");
        return problems;
    }

    public JsonObject ToJson() => new()
    {
        ["text"] = new JsonArray(TextFiles.Select(f => (JsonNode?)Path.GetFullPath(f)).ToArray()),
        ["conll"] = new JsonArray(ConllFiles.Select(f => (JsonNode?)Path.GetFullPath(f)).ToArray()),
        ["tokenizer"] = Tokenizer is null ? null : Path.GetFullPath(Tokenizer),
        ["init"] = InitFolder is null ? null : Path.GetFullPath(InitFolder),
        ["layers"] = Layers,
        ["hidden"] = Hidden,
        ["heads"] = Heads,
        ["intermediate"] = Intermediate,
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["block"] = BlockSize,
        ["batch"] = BatchSize,
        ["total_steps"] = TotalSteps,
        ["epochs"] = Epochs,
        ["lr"] = LearningRate,
        ["warmup"] = WarmupShare,
        ["weight_decay"] = WeightDecay,
        ["clip"] = ClipNorm,
        ["mask_rate"] = MaskRate,
        // Absent for token masking, so runs saved before the option existed still resume.
        ["masking"] = Masking == MaskingScheme.Token ? null : MaskingSchemes.Name(Masking),
        ["salient_share"] = Masking == MaskingScheme.Salient ? SalientShare : null,
        ["holdout"] = HoldoutLines,
        ["checkpoint_every"] = CheckpointEvery,
    };

    /// <summary>"name: saved → now" for every option that differs from a saved run's.</summary>
    public IReadOnlyList<string> DifferencesFrom(JsonObject saved)
    {
        var now = ToJson();
        return now.Select(p => p.Key).Union(saved.Select(p => p.Key))
            .Where(key => !JsonNode.DeepEquals(now[key], saved[key]))
            .Select(key => $"{key}: {Show(saved[key])} -> {Show(now[key])}")
            .ToList();
    }

    private static string Show(JsonNode? node) => node is null ? "(not set)" : node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
