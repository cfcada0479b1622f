using System.Text.Json.Serialization;
using Melm.Models.Nn;

namespace Melm.Models.Augmentation;

/// <summary>MELM fine-tuning (paper 2.2); the defaults are the paper's.</summary>
/// <param name="Epochs">Passes over the training data.</param>
/// <param name="BatchSize">Sentences (or windows of long ones) per step.</param>
/// <param name="LearningRate">Adam's learning rate, no weight decay.</param>
/// <param name="MaskRate">eta: each entity subword is masked with this probability, redrawn every epoch.</param>
/// <param name="Seed">The run seed all draws derive from.</param>
/// <param name="Precision">
/// fp32, or bf16 autocast over fp32 weights. Left out of JSON when fp32, so the specs, run ids and
/// checkpoint fingerprints of fp32 runs read as before the option existed.
/// </param>
public sealed record FineTuneOptions(int Epochs = 20, int BatchSize = 30, double LearningRate = 1e-5, double MaskRate = 0.7, ulong Seed = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] Precision Precision = Precision.Fp32);
