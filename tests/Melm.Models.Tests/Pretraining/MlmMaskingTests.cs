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

    /// <summary>A block of 40 words of 1-3 pieces; words 1-3 of every twelve (12 of 40) are salient.</summary>
    private static (long[] Ids, BlockWords Words) WordBlock(StableRandom rng)
    {
        var ids = new List<long> { 0 };
        var (starts, lengths, salient) = (new List<int>(), new List<int>(), new List<bool>());
        for (var w = 0; w < 40; w++)
        {
            var pieces = 1 + rng.NextInt(3);
            starts.Add(ids.Count);
            lengths.Add(pieces);
            salient.Add(w % 12 is >= 1 and <= 3);
            ids.AddRange(Enumerable.Range(0, pieces).Select(_ => (long)(4 + rng.NextInt(95))));
        }
        ids.Add(2);
        return ([.. ids], new BlockWords([.. starts], [.. lengths], [.. salient]));
    }

    [Theory]
    [InlineData(MaskingScheme.WholeWord)]
    [InlineData(MaskingScheme.Salient)]
    public void WholeWordMaskingPredictsEveryPieceOfAChosenWordAndOneDrawPerUnit(MaskingScheme scheme)
    {
        const int mask = 99;
        var masking = new MlmMasking(0.15, mask, firstOrdinaryId: 4, ordinaryCount: 95);
        var rng = new StableRandom(5);
        int predicted = 0, pieces = 0, mixedUnits = 0;
        for (var draw = 0; draw < 500; draw++)
        {
            var (ids, words) = WordBlock(rng);
            var example = masking.MaskWords(ids, words, scheme, 0.5, rng);
            pieces += words.Lengths.Sum();
            predicted += example.Positions.Length;
            var chosen = example.Positions.ToHashSet();
            for (var w = 0; w < words.Count; w++)
            {
                var inWord = Enumerable.Range(words.Starts[w], words.Lengths[w]).ToArray();
                var hit = inWord.Count(chosen.Contains);
                Assert.True(hit == 0 || hit == inWord.Length, $"word {w}: {hit} of {inWord.Length} pieces chosen");
                if (hit > 0 && inWord.Any(p => example.InputIds[p] == mask) && !inWord.All(p => example.InputIds[p] == mask))
                    mixedUnits++;
            }
            for (var k = 0; k < example.Positions.Length; k++)
                Assert.Equal(ids[example.Positions[k]], example.Labels[k]);
            Assert.Equal(0, example.InputIds[0]);
            Assert.Equal(2, example.InputIds[^1]);
        }
        Assert.Equal(0, mixedUnits);
        // Whole words fill the budget to about the rate (a first unit larger than the budget still counts whole).
        Assert.InRange((double)predicted / pieces, 0.12, 0.16);
    }

    [Fact]
    public void SalientMaskingSpendsItsShareOnCapitalisedSpansWholeWordMaskingDoesNot()
    {
        var masking = new MlmMasking(0.15, 99, 4, 95);
        double SalientShare(MaskingScheme scheme)
        {
            var rng = new StableRandom(8);
            int salientPieces = 0, predicted = 0;
            for (var draw = 0; draw < 500; draw++)
            {
                var (ids, words) = WordBlock(rng);
                var example = masking.MaskWords(ids, words, scheme, 0.5, rng);
                var chosen = example.Positions.ToHashSet();
                predicted += chosen.Count;
                salientPieces += Enumerable.Range(0, words.Count).Where(w => words.Salient[w])
                    .Sum(w => Enumerable.Range(words.Starts[w], words.Lengths[w]).Count(chosen.Contains));
            }
            return (double)salientPieces / predicted;
        }
        // 30% of the words are salient: whole-word masking picks them about that often; salient
        // masking spends half its budget on them first, then picks them at that rate from the rest.
        Assert.InRange(SalientShare(MaskingScheme.WholeWord), 0.25, 0.35);
        Assert.InRange(SalientShare(MaskingScheme.Salient), 0.55, 0.75);
    }

    [Fact]
    public void SalientSpansAreRunsOfSalientWords()
    {
        var words = new BlockWords([1, 2, 4, 5, 6, 8], [1, 2, 1, 1, 2, 1], [true, true, false, true, true, true]);
        Assert.Equal([(0, 2), (3, 3)], MlmMasking.SalientSpans(words));
    }

    [Fact]
    public void TokenMaskingHasNoWordUnits() =>
        Assert.Throws<ArgumentException>(() => new MlmMasking(0.15, 9, 4, 5).MaskWords([0, 5, 2], new BlockWords([1], [1], [false]), MaskingScheme.Token, 0.5, new StableRandom(1)));
}
