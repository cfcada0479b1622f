using Melm.Models.Randomness;

namespace Melm.Models.Augmentation;

/// <summary>One masked position to fill: what stood there and which pieces may replace it.</summary>
/// <param name="OriginalId">The subword that was masked.</param>
/// <param name="WordStart">The position begins a word.</param>
/// <param name="OnlySubwordOfWord">The word has no other subword.</param>
/// <param name="WordScripts">The scripts of the word being rewritten, when candidates must share them; null otherwise.</param>
public sealed record MaskedSlot(int OriginalId, bool WordStart, bool OnlySubwordOfWord, IReadOnlySet<Script>? WordScripts);

/// <summary>Picks the replacement of one masked subword from the model's ranking (MELM section 2.3).</summary>
public static class CandidatePicker
{
    /// <summary>
    /// Scans <paramref name="rankedIds"/> (most probable first, with their logits) for the first
    /// <paramref name="topK"/> valid candidates and draws one. Returns null when the ranking holds no
    /// valid candidate; the caller keeps the original subword and counts it.
    /// </summary>
    public static int? Pick(
        ReadOnlySpan<int> rankedIds,
        ReadOnlySpan<float> rankedLogits,
        MaskedSlot slot,
        CandidateRules rules,
        int topK,
        CandidateSampling sampling,
        StableRandom random)
    {
        if (rankedIds.Length != rankedLogits.Length)
            throw new ArgumentException("Ranked ids and logits differ in length.", nameof(rankedLogits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);

        Span<int> ids = stackalloc int[topK];
        Span<float> logits = stackalloc float[topK];
        var count = 0;
        for (var i = 0; i < rankedIds.Length && count < topK; i++)
        {
            var id = rankedIds[i];
            if (!rules.IsValid(id, slot.WordStart, slot.OnlySubwordOfWord))
                continue;
            if (slot.WordScripts is { } scripts && !rules.MatchesScript(id, scripts))
                continue;
            if (sampling == CandidateSampling.ExcludeOriginal && id == slot.OriginalId)
                continue;
            ids[count] = id;
            logits[count] = rankedLogits[i];
            count++;
        }
        if (count == 0)
            return null;
        if (sampling != CandidateSampling.ProbabilityWeighted)
            return ids[random.NextInt(count)];

        // Softmax over the kept candidates, shifted by the largest logit for stability.
        var max = logits[0];
        for (var i = 1; i < count; i++)
            max = Math.Max(max, logits[i]);
        Span<double> weights = stackalloc double[count];
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            weights[i] = Math.Exp(logits[i] - max);
            total += weights[i];
        }
        var u = random.NextDouble() * total;
        for (var i = 0; i < count; i++)
        {
            u -= weights[i];
            if (u < 0)
                return ids[i];
        }
        return ids[count - 1];
    }
}
