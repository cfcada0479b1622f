using Melm.Models.Ner;
using Melm.Models.Text;
using Melm.Models.Tagging;

namespace Melm.Models.Tests.Ner;

public class TaggerInputTests
{
    private static readonly XlmrTokenizer Tokenizer = XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer"));

    [Fact]
    public void AShortSentenceIsOneWindowLabelledAtEachWordsFirstSubword()
    {
        string[] words = ["Margaret", "Holloway", "was", "named"];
        var input = TaggerInput.Encode(Tokenizer, words, 40);
        var encoding = Tokenizer.EncodeWords(words);

        var window = Assert.Single(input.Windows);
        Assert.Equal(encoding.InputIds, window.InputIds);
        Assert.Equal(0, window.CoreStart);
        Assert.Equal(encoding.FirstPositionOfWord, window.CorePositions);
    }

    [Fact]
    public void ALongSentenceIsTaggedInWindowsThatCoverEveryWordOnceAndFitTheModel()
    {
        var words = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? "Northbridge" : i % 3 == 1 ? "logistics" : "x").ToArray();
        const int maxLength = 18;
        var input = TaggerInput.Encode(Tokenizer, words, maxLength);

        Assert.True(input.Windows.Count > 3);
        Assert.All(input.Windows, w => Assert.True(w.InputIds.Count <= maxLength));
        var covered = input.Windows.SelectMany(w => Enumerable.Range(w.CoreStart, w.CorePositions.Count)).ToList();
        Assert.Equal(Enumerable.Range(0, words.Length), covered);
        foreach (var window in input.Windows)
        {
            for (var k = 0; k < window.CorePositions.Count; k++)
            {
                var expected = Tokenizer.EncodeWord(words[window.CoreStart + k]).Ids[0];
                Assert.Equal(expected, window.InputIds[window.CorePositions[k]]);
            }
        }
    }

    [Fact]
    public void AWordWithNoPiecesIsReadAsUnknownRatherThanDropped()
    {
        var input = TaggerInput.Encode(Tokenizer, ["a", "\u200b", "b"], 40);
        var window = Assert.Single(input.Windows);
        Assert.Equal(3, window.CorePositions.Count);
        Assert.Equal(XlmrTokenizer.Unk, window.InputIds[window.CorePositions[1]]);
    }

    [Theory]
    [InlineData(0, 10, 0, false, 1.0)]
    [InlineData(0, 10, 4, false, 0.0)]
    [InlineData(2, 10, 4, false, 0.5)]
    [InlineData(4, 10, 4, true, 1.0)]
    [InlineData(7, 10, 4, true, 0.5)]
    [InlineData(10, 10, 0, true, 0.0)]
    public void TheScheduleWarmsUpThenHoldsOrDecaysLinearly(int step, int total, int warmup, bool decay, double expected) =>
        Assert.Equal(expected, NerTrainer.Schedule(step, total, warmup, decay), 12);
}
