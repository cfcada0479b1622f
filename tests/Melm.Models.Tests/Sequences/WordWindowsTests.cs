using Melm.Models.Randomness;
using Melm.Models.Sequences;

namespace Melm.Models.Tests.Sequences;

public class WordWindowsTests
{
    [Fact]
    public void AShortSentenceIsOneWindow()
    {
        Assert.Equal([new WordWindow(0, 3, 0, 3)], WordWindows.Plan([1, 2, 3], 6));
    }

    [Fact]
    public void LongSentencesAreCoveredOnceWithinTheLimit()
    {
        var rng = new StableRandom(8);
        for (var trial = 0; trial < 500; trial++)
        {
            var window = 8 + rng.NextInt(40);
            var lengths = Enumerable.Range(0, 1 + rng.NextInt(200)).Select(_ => 1 + rng.NextInt(window / 2)).ToArray();
            var windows = WordWindows.Plan(lengths, window);
            var covered = new int[lengths.Length];
            foreach (var w in windows)
            {
                Assert.True(w.Start <= w.CoreStart && w.CoreStart < w.CoreEnd && w.CoreEnd <= w.End);
                Assert.InRange(lengths[w.Start..w.End].Sum(), 1, window);
                for (var i = w.CoreStart; i < w.CoreEnd; i++)
                    covered[i]++;
            }
            Assert.All(covered, c => Assert.Equal(1, c));
        }
    }

    [Fact]
    public void WindowsGiveTheirCoreContextOnBothSides()
    {
        var windows = WordWindows.Plan(Enumerable.Repeat(1, 20).ToArray(), 8);
        var middle = windows.Single(w => w.CoreStart == 8);
        Assert.True(middle.Start < middle.CoreStart && middle.End > middle.CoreEnd);
    }

    [Fact]
    public void ATokenTooLongForAnyWindowIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => WordWindows.Plan([1, 9, 1], 16));
        Assert.Contains("Token 1", e.Message, StringComparison.Ordinal);
    }
}
