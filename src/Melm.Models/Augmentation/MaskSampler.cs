using Melm.Models.Randomness;

namespace Melm.Models.Augmentation;

/// <summary>Where MELM masks entity subwords, for fine-tuning and for generation.</summary>
public static class MaskSampler
{
    /// <summary>
    /// Fine-tuning (paper 2.2): each entity subword is masked independently with probability
    /// <paramref name="eta"/>; redrawn every epoch by the caller's generator.
    /// </summary>
    public static bool[] ForFineTuning(IReadOnlyList<bool> isEntitySubword, double eta, StableRandom random)
    {
        if (eta is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "The mask rate must lie in [0, 1].");
        var masked = new bool[isEntitySubword.Count];
        for (var i = 0; i < masked.Length; i++)
            masked[i] = isEntitySubword[i] && random.NextDouble() < eta;
        return masked;
    }

    /// <summary>
    /// Generation (paper 2.3): for an entity word of n subwords, mask round(n * e) of them with
    /// e ~ N(mu, (1/n)^2), clamped to [1, n], so every entity word changes somewhere.
    /// </summary>
    public static int CountForGeneration(int subwords, double mu, StableRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subwords);
        var e = random.NextGaussian(mu, 1.0 / subwords);
        var k = (int)Math.Round(subwords * e, MidpointRounding.ToEven);
        return Math.Clamp(k, 1, subwords);
    }

    /// <summary>Which of a word's n subwords to mask: <see cref="CountForGeneration"/> of them, chosen uniformly.</summary>
    public static int[] PositionsForGeneration(int subwords, double mu, StableRandom random) =>
        random.SampleWithoutReplacement(subwords, CountForGeneration(subwords, mu, random));
}
