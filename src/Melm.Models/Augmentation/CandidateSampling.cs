namespace Melm.Models.Augmentation;

/// <summary>How a replacement is drawn from the top-k valid candidates.</summary>
public enum CandidateSampling
{
    /// <summary>Uniformly among the top k (the paper).</summary>
    Uniform,

    /// <summary>In proportion to the model's probabilities, renormalised over the top k.</summary>
    ProbabilityWeighted,

    /// <summary>Uniformly among the top k once the original subword is removed from the ranking.</summary>
    ExcludeOriginal,
}
