using Melm.Models.Augmentation;
using Melm.Models.Randomness;

namespace Melm.Models.Tests.Augmentation;

public class MaskSamplerTests
{
    [Fact]
    public void FineTuningMasksOnlyEntitySubwordsAtRateEta()
    {
        var rng = new StableRandom(5);
        var isEntity = Enumerable.Range(0, 50).Select(i => i % 3 == 0).ToArray();
        int masked = 0, entity = 0;
        for (var draw = 0; draw < 2000; draw++)
        {
            var mask = MaskSampler.ForFineTuning(isEntity, 0.7, rng);
            for (var i = 0; i < mask.Length; i++)
            {
                Assert.False(mask[i] && !isEntity[i]);
                masked += mask[i] ? 1 : 0;
                entity += isEntity[i] ? 1 : 0;
            }
        }
        Assert.InRange((double)masked / entity, 0.69, 0.71);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void GenerationCountsFollowTheClampedRoundedGaussian(int n)
    {
        var rng = new StableRandom((ulong)n);
        const int draws = 40_000;
        var counts = new int[n + 1];
        for (var i = 0; i < draws; i++)
            counts[MaskSampler.CountForGeneration(n, 0.5, rng)]++;
        Assert.Equal(0, counts[0]);
        for (var k = 1; k <= n; k++)
        {
            // k is drawn when n*e falls in [k-0.5, k+0.5); the ends absorb the clamped tails.
            var sigma = 1.0 / n;
            var lower = k == 1 ? 0.0 : NormalCdf(((k - 0.5) / n - 0.5) / sigma);
            var upper = k == n ? 1.0 : NormalCdf(((k + 0.5) / n - 0.5) / sigma);
            var expected = upper - lower;
            Assert.InRange((double)counts[k] / draws, expected - 0.01, expected + 0.01);
        }
    }

    [Fact]
    public void GenerationPositionsAreDistinctAndInsideTheWord()
    {
        var rng = new StableRandom(9);
        for (var i = 0; i < 1000; i++)
        {
            var n = 1 + rng.NextInt(7);
            var positions = MaskSampler.PositionsForGeneration(n, 0.5, rng);
            Assert.NotEmpty(positions);
            Assert.All(positions, p => Assert.InRange(p, 0, n - 1));
            Assert.Equal(positions.Length, positions.Distinct().Count());
        }
    }

    private static double NormalCdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    // Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
