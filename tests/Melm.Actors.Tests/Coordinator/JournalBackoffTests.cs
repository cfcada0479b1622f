using Melm.Actors.Coordinator;

namespace Melm.Actors.Tests.Coordinator;

public class JournalBackoffTests
{
    private static readonly JournalBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);

    private static double[] Seconds(int attempts, double draw) =>
        [.. Enumerable.Range(1, attempts).Select(a => Backoff.Delay(a, draw).TotalSeconds)];

    [Fact]
    public void DelaysDoubleFromTheFirstUntilTheCapAndStayThere()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], Seconds(8, draw: 0));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Delay(10_000, 0));
    }

    [Fact]
    public void JitterOnlyShortensADelayByAtMostItsFractionSoTheCapHolds()
    {
        Assert.Equal([0.8, 1.6, 3.2, 6.4, 12.8, 24], Seconds(6, draw: 1 - 1e-12), new ToleranceComparer(1e-6));
        Assert.Equal([0.9, 1.8, 3.6], Seconds(3, draw: 0.5), new ToleranceComparer(1e-9));
        Assert.Equal(TimeSpan.FromSeconds(1), new JournalBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0).Delay(5, 0.9));
    }

    [Fact]
    public void ASettingOrArgumentOutsideItsRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JournalBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JournalBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JournalBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(1, 1));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
