using Melm.Models.Randomness;

namespace Melm.Models.Pretraining;

/// <summary>One masked-LM training example: the corrupted ids and, per predicted position, the original id.</summary>
public sealed record MaskedExample(long[] InputIds, int[] Positions, long[] Labels);

/// <summary>
/// BERT/RoBERTa pretraining corruption: a share of the ordinary tokens is chosen for prediction;
/// of those, 80% become &lt;mask&gt;, 10% a random ordinary token, 10% stay as they are.
/// </summary>
public sealed class MlmMasking(double rate, int maskId, int firstOrdinaryId, int ordinaryCount)
{
    public MaskedExample Mask(IReadOnlyList<long> ids, IReadOnlySet<long> specialIds, StableRandom random)
    {
        var input = ids.ToArray();
        var candidates = Enumerable.Range(0, input.Length).Where(i => !specialIds.Contains(input[i])).ToArray();
        if (candidates.Length == 0)
            return new MaskedExample(input, [], []);
        var count = Math.Max(1, (int)Math.Round(candidates.Length * rate, MidpointRounding.ToEven));
        var chosen = random.SampleWithoutReplacement(candidates.Length, count).Select(i => candidates[i]).ToArray();
        var labels = new long[chosen.Length];
        for (var k = 0; k < chosen.Length; k++)
        {
            var p = chosen[k];
            labels[k] = input[p];
            var u = random.NextDouble();
            if (u < 0.8)
                input[p] = maskId;
            else if (u < 0.9)
                input[p] = firstOrdinaryId + random.NextInt(ordinaryCount);
        }
        return new MaskedExample(input, chosen, labels);
    }
}
