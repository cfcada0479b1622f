using Melm.Models.Randomness;

namespace Melm.Models.Pretraining;

/// <summary>One masked-LM training example: the corrupted ids and, per predicted position, the original id.</summary>
public sealed record MaskedExample(long[] InputIds, int[] Positions, long[] Labels);

/// <summary>
/// BERT/RoBERTa pretraining corruption: a share of the ordinary tokens is chosen for prediction;
/// of those, 80% become &lt;mask&gt;, 10% a random ordinary token, 10% stay as they are. With whole
/// words (<see cref="MaskWords"/>) the unit is a word or a span, and the 80/10/10 draw is one per unit.
/// </summary>
public sealed class MlmMasking(double rate, int maskId, int firstOrdinaryId, int ordinaryCount)
{
    public MaskedExample Mask(IReadOnlyList<long> ids, IReadOnlySet<long> specialIds, StableRandom random)
    {
        var input = ids.ToArray();
        var candidates = Enumerable.Range(0, input.Length).Where(i => !specialIds.Contains(input[i])).ToArray();
        if (candidates.Length == 0)
            return new MaskedExample(input, [], []);
        var count = Budget(candidates.Length);
        var chosen = random.SampleWithoutReplacement(candidates.Length, count).Select(i => candidates[i]).ToArray();
        var labels = new long[chosen.Length];
        for (var k = 0; k < chosen.Length; k++)
        {
            var p = chosen[k];
            labels[k] = input[p];
            Corrupt(input, [p], random);
        }
        return new MaskedExample(input, chosen, labels);
    }

    /// <summary>
    /// Whole-word masking: words are chosen until about the rate's share of the block's ids is
    /// covered, every piece of a chosen word is predicted. <see cref="MaskingScheme.Salient"/> first
    /// spends up to <paramref name="salientShare"/> of that budget on runs of salient words, masked
    /// together, then fills the rest with words as whole-word masking does.
    /// </summary>
    public MaskedExample MaskWords(IReadOnlyList<long> ids, BlockWords words, MaskingScheme scheme, double salientShare, StableRandom random)
    {
        if (scheme == MaskingScheme.Token)
            throw new ArgumentException("token masking has no word units: use Mask", nameof(scheme));
        var input = ids.ToArray();
        if (words.Count == 0)
            return new MaskedExample(input, [], []);
        var budget = Budget(words.Lengths.Sum());
        var taken = new bool[words.Count];
        var units = new List<(int First, int Count)>();
        var covered = 0;

        void Take(IEnumerable<(int First, int Count)> candidates, int limit)
        {
            foreach (var (first, count) in candidates)
            {
                if (covered >= limit)
                    return;
                var pieces = Enumerable.Range(first, count).Sum(w => words.Lengths[w]);
                // A unit that overshoots the budget is skipped unless nothing has been chosen yet.
                if (covered + pieces > limit && covered > 0)
                    continue;
                units.Add((first, count));
                covered += pieces;
                for (var w = first; w < first + count; w++)
                    taken[w] = true;
            }
        }

        if (scheme == MaskingScheme.Salient)
        {
            var spans = SalientSpans(words);
            random.Shuffle(spans);
            Take(spans, (int)Math.Round(budget * salientShare, MidpointRounding.ToEven));
        }
        var order = Enumerable.Range(0, words.Count).ToArray();
        random.Shuffle(order);
        Take(order.Where(w => !taken[w]).Select(w => (w, 1)), budget);

        var positions = new List<int>(covered);
        foreach (var (first, count) in units.OrderBy(u => u.First))
        {
            var unit = new List<int>();
            for (var w = first; w < first + count; w++)
                unit.AddRange(Enumerable.Range(words.Starts[w], words.Lengths[w]));
            positions.AddRange(unit);
            Corrupt(input, unit, random);
        }
        var chosen = positions.ToArray();
        return new MaskedExample(input, chosen, [.. chosen.Select(p => ids[p])]);
    }

    /// <summary>Runs of consecutive salient words: (first word, word count).</summary>
    public static List<(int First, int Count)> SalientSpans(BlockWords words)
    {
        var spans = new List<(int, int)>();
        for (var w = 0; w < words.Count; w++)
        {
            if (!words.Salient[w])
                continue;
            var first = w;
            while (w + 1 < words.Count && words.Salient[w + 1])
                w++;
            spans.Add((first, w - first + 1));
        }
        return spans;
    }

    private int Budget(int candidates) => Math.Max(1, (int)Math.Round(candidates * rate, MidpointRounding.ToEven));

    /// <summary>One 80/10/10 draw for a unit: all its positions become &lt;mask&gt;, random tokens, or stay.</summary>
    private void Corrupt(long[] input, IReadOnlyList<int> unit, StableRandom random)
    {
        var u = random.NextDouble();
        if (u < 0.8)
        {
            foreach (var p in unit)
                input[p] = maskId;
        }
        else if (u < 0.9)
        {
            foreach (var p in unit)
                input[p] = firstOrdinaryId + random.NextInt(ordinaryCount);
        }
    }
}
