using Melm.Models.Augmentation;
using Melm.Models.Randomness;

namespace Melm.Models.Tests.Augmentation;

public class CandidatePickerTests
{
    private static readonly string[] Alphabet = ["a", "b", "é", "ß", "北", "ж", "1", "-", "▁", " ", "\t", "<", ">"];

    /// <summary>A random vocabulary that mixes every kind of piece the rules must tell apart.</summary>
    private static ListVocabulary RandomVocabulary(StableRandom rng, int size)
    {
        var pieces = new List<string>();
        var special = new List<int>();
        for (var id = 0; id < size; id++)
        {
            var length = rng.NextInt(4);
            var piece = string.Concat(Enumerable.Range(0, length).Select(_ => Alphabet[rng.NextInt(Alphabet.Length)]));
            if (rng.NextInt(2) == 0)
                piece = "▁" + piece;
            pieces.Add(piece);
            if (rng.NextInt(8) == 0)
                special.Add(id);
        }
        return new ListVocabulary(pieces, special);
    }

    [Fact]
    public void NeverPicksAnInvalidCandidate()
    {
        var rng = new StableRandom(1);
        for (var trial = 0; trial < 300; trial++)
        {
            var vocabulary = RandomVocabulary(rng, 60);
            var rules = new CandidateRules(vocabulary);
            var ranking = Enumerable.Range(0, vocabulary.Count).ToArray();
            rng.Shuffle(ranking);
            var logits = ranking.Select((_, i) => (float)-i).ToArray();
            var slot = new MaskedSlot(rng.NextInt(vocabulary.Count), rng.NextInt(2) == 0, rng.NextInt(2) == 0,
                rng.NextInt(2) == 0 ? new HashSet<Script> { Script.Latin } : null);
            var sampling = (CandidateSampling)rng.NextInt(3);
            var picked = CandidatePicker.Pick(ranking, logits, slot, rules, 5, sampling, rng);
            if (picked is not { } id)
                continue;
            var piece = vocabulary.Piece(id);
            Assert.False(vocabulary.IsSpecial(id));
            Assert.Equal(slot.WordStart, piece.StartsWith('▁'));
            var surface = slot.WordStart ? piece[1..] : piece;
            Assert.DoesNotContain('▁', surface);
            Assert.False(surface.Any(char.IsWhiteSpace), $"piece '{piece}' has white space");
            if (!slot.WordStart || slot.OnlySubwordOfWord)
                Assert.NotEqual(string.Empty, surface);
            if (slot.WordScripts is not null)
                Assert.DoesNotContain(surface.EnumerateRunes(), r => UnicodeScript.Of(r.Value) is not (Script.Common or Script.Latin));
            if (sampling == CandidateSampling.ExcludeOriginal)
                Assert.NotEqual(slot.OriginalId, id);
        }
    }

    [Fact]
    public void UniformSamplingSpreadsOverTheTopKValidCandidatesOnly()
    {
        // ids 0..9: 0 special, 1 is a continuation piece, the rest word starts; ranked in id order.
        var pieces = new[] { "<s>", "ing", "▁a", "▁b", "▁c", "▁d", "▁e", "▁f", "▁g", "▁h" };
        var rules = new CandidateRules(new ListVocabulary(pieces, [0]));
        var ranking = Enumerable.Range(0, pieces.Length).ToArray();
        var logits = ranking.Select(i => (float)-i).ToArray();
        var slot = new MaskedSlot(2, WordStart: true, OnlySubwordOfWord: true, null);
        var counts = new Dictionary<int, int>();
        var rng = new StableRandom(2);
        for (var i = 0; i < 10_000; i++)
        {
            var id = CandidatePicker.Pick(ranking, logits, slot, rules, 5, CandidateSampling.Uniform, rng)!.Value;
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        Assert.Equal([2, 3, 4, 5, 6], counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 1800, 2200));

        var excluding = CandidatePicker.Pick(ranking, logits, slot, rules, 1, CandidateSampling.ExcludeOriginal, rng);
        Assert.Equal(3, excluding);
    }

    [Fact]
    public void WeightedSamplingFollowsTheSoftmaxOfTheKeptLogits()
    {
        var pieces = new[] { "▁a", "▁b" };
        var rules = new CandidateRules(new ListVocabulary(pieces, []));
        var logits = new[] { 0f, -(float)Math.Log(3) }; // probabilities 3/4 and 1/4
        var rng = new StableRandom(4);
        var first = 0;
        for (var i = 0; i < 20_000; i++)
            first += CandidatePicker.Pick([0, 1], logits, new MaskedSlot(0, true, false, null), rules, 5, CandidateSampling.ProbabilityWeighted, rng) == 0 ? 1 : 0;
        Assert.InRange(first / 20_000.0, 0.74, 0.76);
    }

    [Fact]
    public void ABareWordStartMarkCannotBeAWholeWord()
    {
        var rules = new CandidateRules(new ListVocabulary(["▁", "▁x"], []));
        Assert.False(rules.IsValid(0, wordStart: true, onlySubwordOfWord: true));
        Assert.True(rules.IsValid(0, wordStart: true, onlySubwordOfWord: false));
        Assert.Equal(1, CandidatePicker.Pick([0, 1], [1f, 0f], new MaskedSlot(1, true, true, null), rules, 1, CandidateSampling.Uniform, new StableRandom(1)));
    }

    [Fact]
    public void NoValidCandidateYieldsNull()
    {
        var rules = new CandidateRules(new ListVocabulary(["<pad>", "ing"], [0]));
        Assert.Null(CandidatePicker.Pick([0, 1], [0f, 0f], new MaskedSlot(1, true, false, null), rules, 5, CandidateSampling.Uniform, new StableRandom(1)));
    }
}
