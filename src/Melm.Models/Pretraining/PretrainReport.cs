using System.Text.Json;
using System.Text.Json.Serialization;

namespace Melm.Models.Pretraining;

/// <summary>Where a pretraining run stands, as written to `pretrain-report.json` at every checkpoint.</summary>
public sealed record PretrainReport
{
    public int Steps { get; init; }
    public int TotalSteps { get; init; }
    public bool Finished { get; init; }

    /// <summary>Why this invocation stopped: "schedule", "steps budget", "minutes budget" or "interrupt".</summary>
    public string StoppedBy { get; init; } = "";

    public long TokensSeen { get; init; }

    /// <summary>Training seconds over all invocations.</summary>
    public double Seconds { get; init; }

    /// <summary>Tokens (padding excluded) per second in this invocation.</summary>
    public double TokensPerSecond { get; init; }

    /// <summary>Mean training loss over the steps since the previous checkpoint.</summary>
    public double TrainLoss { get; init; }

    public double HeldOutLoss { get; init; }

    /// <summary>Share of held-out masked tokens whose top prediction is the original token.</summary>
    public double HeldOutAccuracy { get; init; }

    /// <summary>The accuracy of always predicting the training text's most frequent token: the bar to beat.</summary>
    public double MostFrequentTokenAccuracy { get; init; }

    public int HeldOutMaskedTokens { get; init; }

    /// <summary>
    /// Held-out CoNLL lines, one entity mention at a time with every piece of it masked: the share
    /// of those pieces predicted exactly. What MELM needs of a model: names from their context.
    /// </summary>
    public double HeldOutEntityAccuracy { get; init; }

    /// <summary>Share of those mentions whose every piece was predicted exactly.</summary>
    public double HeldOutEntityMentionAccuracy { get; init; }

    public int HeldOutEntityMentions { get; init; }
    public int HeldOutEntityPieces { get; init; }

    /// <summary>What training masked: token, whole-word or salient.</summary>
    public string Masking { get; init; } = "token";
    public int HeldOutBlocks { get; init; }
    public int HeldOutLines { get; init; }
    public int TrainBlocks { get; init; }
    public int TrainLines { get; init; }
    public long TrainTokens { get; init; }

    /// <summary>Lines longer than a block, split at word boundaries.</summary>
    public int SplitLines { get; init; }

    /// <summary>Words longer than a block on their own, cut.</summary>
    public int CutWords { get; init; }

    /// <summary>Words with no pieces (only characters normalisation removes), left out.</summary>
    public int SkippedWords { get; init; }

    public string Model { get; init; } = "";

    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
