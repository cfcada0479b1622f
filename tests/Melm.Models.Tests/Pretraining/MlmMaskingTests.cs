using Melm.Models.Pretraining;
using Melm.Models.Randomness;

namespace Melm.Models.Tests.Pretraining;

public class MlmMaskingTests
{
    [Fact]
    public void CorruptsFifteenPercentOfOrdinaryTokensEightyTenTen()
    {
        const int mask = 99;
        var masking = new MlmMasking(0.15, mask, firstOrdinaryId: 4, ordinaryCount: 95);
        var special = new HashSet<long> { 0, 2 };
        var rng = new StableRandom(12);
        int predicted = 0, ordinary = 0, masked = 0, kept = 0, replaced = 0;
        for (var draw = 0; draw < 2000; draw++)
        {
            var ids = new List<long> { 0 };
            ids.AddRange(Enumerable.Range(0, 40).Select(_ => (long)(4 + rng.NextInt(95))));
            ids.Add(2);
            var example = masking.Mask(ids, special, rng);
            ordinary += 40;
            predicted += example.Positions.Length;
            Assert.Equal(example.Positions.Length, example.Positions.Distinct().Count());
            for (var k = 0; k < example.Positions.Length; k++)
            {
                var p = example.Positions[k];
                Assert.InRange(p, 1, 40);
                Assert.Equal(ids[p], example.Labels[k]);
                var now = example.InputIds[p];
                if (now == mask) masked++;
                else if (now == ids[p]) kept++;
                else replaced++;
                Assert.InRange(now, 4, 99);
            }
            Assert.Equal(0, example.InputIds[0]);
            Assert.Equal(2, example.InputIds[^1]);
        }
        Assert.Equal(0.15, (double)predicted / ordinary, 2);
        Assert.InRange((double)masked / predicted, 0.78, 0.82);
        Assert.InRange((double)replaced / predicted, 0.08, 0.11);
        Assert.InRange((double)kept / predicted, 0.09, 0.12);
    }

    [Fact]
    public void AllSpecialSequencesPredictNothing()
    {
        var example = new MlmMasking(0.15, 9, 4, 5).Mask([0, 2], new HashSet<long> { 0, 2 }, new StableRandom(1));
        Assert.Empty(example.Positions);
        Assert.Equal([0L, 2L], example.InputIds);
    }
}
