using Melm.Models.Evaluation;

namespace Melm.Models.Tests.Evaluation;

public sealed class ScoreSpreadTests
{
    [Fact]
    public void SampleDeviationDividesByCountMinusOne()
    {
        var spread = ScoreSpread.Of([50.0, 60.0, 70.0]);
        Assert.Equal(3, spread.Count);
        Assert.Equal(60.0, spread.Mean, 12);
        Assert.Equal(10.0, spread.StandardDeviation, 12);
    }

    [Fact]
    public void OneScoreHasNoSpread()
    {
        var spread = ScoreSpread.Of([42.5]);
        Assert.Equal(42.5, spread.Mean);
        Assert.True(double.IsNaN(spread.StandardDeviation));
    }

    [Fact]
    public void NoScoresIsRefused() =>
        Assert.Throws<ArgumentException>(() => ScoreSpread.Of(Array.Empty<double>()));
}
