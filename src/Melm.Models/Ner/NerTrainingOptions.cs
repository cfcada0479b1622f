using System.Globalization;
using System.Text.Json.Serialization;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;

namespace Melm.Models.Ner;

/// <summary>
/// How a tagger is trained. The defaults are the paper's (section 3.2): AdamW, learning rate 2e-5,
/// batch 16, 10 epochs, the epoch with the best dev F1 kept. Warmup, decay, clipping, a separate
/// CRF learning rate and a frozen encoder are off unless asked for.
/// </summary>
public sealed record NerTrainingOptions
{
    /// <summary>Seeds the head's initial weights, the shuffles and dropout: the same seed, data and device give the same weights.</summary>
    public required ulong Seed { get; init; }

    public double LearningRate { get; init; } = 2e-5;

    /// <summary>The CRF's learning rate; null means <see cref="LearningRate"/>.</summary>
    public double? CrfLearningRate { get; init; }

    public int BatchSize { get; init; } = 16;

    public int Epochs { get; init; } = 10;

    /// <summary>AdamW's decoupled weight decay (PyTorch's default; the paper does not say).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Share of all steps over which the learning rate rises linearly from 0.</summary>
    public double WarmupFraction { get; init; }

    /// <summary>After warmup, fall linearly to 0 at the last step (transformers' linear schedule).</summary>
    public bool LinearDecay { get; init; }

    /// <summary>Clip the gradients' global norm to this; null means no clipping.</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>
    /// fp32, or bf16 autocast over fp32 weights for training and its dev scoring. Left out of JSON when
    /// fp32, so the specs and run ids of fp32 runs read as before the option existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Train only the emission layer and the CRF.</summary>
    public bool FreezeEncoder { get; init; }

    /// <summary>Sentences per forward pass when tagging dev.</summary>
    public int EvalBatchSize { get; init; } = 32;

    /// <summary>Every out-of-range option, named as on the command line.</summary>
    public IReadOnlyList<InputProblem> Check(string source)
    {
        var problems = new List<InputProblem>();
        void Require(bool ok, string message)
        {
            if (!ok)
                problems.Add(new InputProblem(source, null, message));
        }
        Require(LearningRate > 0, Say($"--lr must be positive, got {LearningRate}"));
        Require(CrfLearningRate is null or > 0, Say($"--crf-lr must be positive, got {CrfLearningRate}"));
        Require(BatchSize >= 1, Say($"--batch-size must be at least 1, got {BatchSize}"));
        Require(Epochs >= 1, Say($"--epochs must be at least 1, got {Epochs}"));
        Require(WeightDecay >= 0, Say($"--weight-decay must not be negative, got {WeightDecay}"));
        Require(WarmupFraction is >= 0 and < 1, Say($"--warmup must be in [0, 1), got {WarmupFraction}"));
        Require(MaxGradNorm is null or > 0, Say($"--clip must be positive, got {MaxGradNorm}"));
        Require(EvalBatchSize >= 1, Say($"the evaluation batch size must be at least 1, got {EvalBatchSize}"));
        return problems;
    }

    private static string Say(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
