using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Runs;

public class ProgressTextTests
{
    [Theory]
    [InlineData(5721.2732, "5,721")]
    [InlineData(1234567.8, "1,234,568")]
    [InlineData(99.96, "100")]
    [InlineData(57.234, "57.2")]
    [InlineData(6.4532, "6.45")]
    [InlineData(-3.14159, "-3.14")]
    [InlineData(0.21334, "0.213")]
    [InlineData(0.012345, "0.0123")]
    [InlineData(0.001, "0.001")]
    [InlineData(5e-5, "5e-5")]
    [InlineData(0.00095, "9.5e-4")]
    [InlineData(0, "0")]
    [InlineData(3, "3")]
    [InlineData(double.NaN, "n/a")]
    public void FiguresAreRoundedForReading(double value, string expected) =>
        Assert.Equal(expected, ProgressText.Number(value));

    [Fact]
    public void CountsAndDurationsAreWrittenForPeople()
    {
        Assert.Equal("12,000", ProgressText.Count(12_000));
        Assert.Equal("26:03:04", ProgressText.Duration(TimeSpan.FromSeconds(93_784)));
        Assert.Equal("0:00:07", ProgressText.Duration(TimeSpan.FromSeconds(6.6)));
    }

    [Fact]
    public void ALineHasTheRateOfTheUnitsDoneSinceTheStartTheEtaAndRoundedMetrics()
    {
        var update = new ProgressUpdate("pretrain", 1_200, 2_000, "steps", [new("loss", 6.4532), new("tokens/s", 5721.2732), new("lr", 0.00095)]);

        // 1,000 steps since step 200 in 100 s: 10 steps/s, 800 left take 80 s.
        Assert.Equal("pretrain 1,200/2,000 steps  10 steps/s  ETA 0:01:20  loss 6.45  tokens/s 5,721  lr 9.5e-4",
            ProgressText.Describe(update, TimeSpan.FromSeconds(100), doneAtStart: 200));
        // No time or no units since the start: no rate to give, and no ETA.
        Assert.Equal("pretrain 1,200/2,000 steps  loss 6.45  tokens/s 5,721  lr 9.5e-4", ProgressText.Describe(update, TimeSpan.Zero));
        Assert.Equal("pretrain 1,200/2,000 steps  loss 6.45  tokens/s 5,721  lr 9.5e-4",
            ProgressText.Describe(update, TimeSpan.FromSeconds(5), doneAtStart: 1_200));
    }
}
