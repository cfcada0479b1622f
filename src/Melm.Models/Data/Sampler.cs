namespace Melm.Models.Data;

/// <summary>
/// The paper's low-resource setting (section 3.1): N sentences drawn uniformly at random without
/// replacement. Every sentence is eligible, with or without entities, as a random sample of the
/// corpus would be. The chosen sentences keep their corpus order.
/// </summary>
public static class Sampler
{
    /// <summary>The 0-based indices of <paramref name="n"/> of <paramref name="count"/> items, ascending;
    /// a partial Fisher-Yates shuffle driven by <see cref="SplitMix64"/> seeded with <paramref name="seed"/>.</summary>
    public static int[] Indices(int count, int n, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (n > count)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"cannot sample {n} of {count} sentences: n is larger than the corpus");
        var random = new SplitMix64(unchecked((ulong)seed));
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = 0; i < n; i++)
        {
            var j = i + random.NextInt(count - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = order[..n];
        Array.Sort(chosen);
        return chosen;
    }

    public static IReadOnlyList<Sentence> Sample(IReadOnlyList<Sentence> sentences, int n, int seed) =>
        Indices(sentences.Count, n, seed).Select(i => sentences[i]).ToList();
}
