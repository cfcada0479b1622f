using Melm.Models.Pretraining;

namespace Melm.Models.Tests.Pretraining;

public class BlockPackerTests
{
    private static List<EncodedWord> Line(params int[] wordLengths)
    {
        var next = 10;
        return wordLengths.Select(n => new EncodedWord(Enumerable.Range(0, n).Select(_ => next++).ToArray(), n % 2 == 0)).ToList();
    }

    [Fact]
    public void PacksConsecutiveLinesWithoutCuttingWords()
    {
        // Block of 8 holds 6 ids between <s> and </s>: lines of 3 and 2 share one, the next 4 starts another.
        var packed = BlockPacker.Pack([Line(1, 2), Line(2), Line(4)], 8, 0, 2);

        Assert.Equal(2, packed.Blocks.Count);
        Assert.Equal([0, 10, 11, 12, 10, 11, 2], packed.Blocks[0]);
        Assert.Equal([0, 10, 11, 12, 13, 2], packed.Blocks[1]);
        Assert.Equal((3, 0, 0, 13L), (packed.Lines, packed.SplitLines, packed.CutWords, packed.Tokens));
        // Word positions count <s> as 0; the salient flag travels with its word.
        Assert.Equal([1, 2, 4], packed.Words[0].Starts);
        Assert.Equal([1, 2, 2], packed.Words[0].Lengths);
        Assert.Equal([false, true, true], packed.Words[0].Salient);
        Assert.Equal([1], packed.Words[1].Starts);
        Assert.Equal([4], packed.Words[1].Lengths);
    }

    [Fact]
    public void SplitsALongLineAtWordBoundariesAndCutsOnlyAWordLongerThanABlock()
    {
        var packed = BlockPacker.Pack([Line(3, 3, 2), Line(9)], 8, 0, 2);

        // Words of 3 and 3 fill one block, the word of 2 the next; the 9-id word needs two blocks.
        Assert.Equal([6, 2, 6, 3], packed.Blocks.Select(b => b.Length - 2).ToArray());
        Assert.Equal((2, 2, 1), (packed.Lines, packed.SplitLines, packed.CutWords));
        Assert.All(packed.Blocks, b => Assert.True(b.Length <= 8));
        var content = packed.Blocks.SelectMany(b => b[1..^1]).ToArray();
        Assert.Equal(Line(3, 3, 2).Concat(Line(9)).SelectMany(w => w.Ids).Select(id => (long)id), content);
        // The cut word is a word in each block it lies in.
        Assert.Equal([[1, 4], [1], [1], [1]], packed.Words.Select(w => w.Starts).ToArray());
        Assert.Equal([6, 3], packed.Words.Skip(2).Select(w => w.Lengths.Single()).ToArray());
    }
}
