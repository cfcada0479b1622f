using Melm.Models.Randomness;

namespace Melm.Models.Data;

/// <summary>
/// The paper's low-resource setting (section 3.1): N sentences drawn uniformly at random without
/// replacement. Every sentence is eligible, with or without entities, as a random sample of the
/// corpus would be. The chosen sentences keep their corpus order.
/// </summary>
public static class Sampler
{
    /// <summary>The 0-based indices of <paramref name="n"/> of <paramref name="count"/> items, ascending;
    /// a partial Fisher-Yates shuffle with the run's generator for (seed, "low-resource sample").</summary>
    public static int[] Indices(int count, int n, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (n > count)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"cannot sample {n} of {count} sentences: n is larger than the corpus");
        return SeedDerivation.For(unchecked((ulong)seed), "low-resource sample").SampleWithoutReplacement(count, n);
    }

    public static IReadOnlyList<Sentence> Sample(IReadOnlyList<Sentence> sentences, int n, int seed) =>
        Indices(sentences.Count, n, seed).Select(i => sentences[i]).ToList();
}
