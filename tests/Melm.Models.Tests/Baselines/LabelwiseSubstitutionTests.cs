using Melm.Models.Baselines;
using Melm.Models.Data;

namespace Melm.Models.Tests.Baselines;

public class LabelwiseSubstitutionTests
{
    [Theory]
    [InlineData(TagScheme.Iob2)]
    [InlineData(TagScheme.Bioes)]
    public void TagsFollowTheSubstitutedMentionsInTheDataScheme(TagScheme scheme)
    {
        var sentences = TinyCorpus.English().Select(s => TagSchemes.Convert(s, scheme)).ToArray();
        var result = LabelwiseSubstitution.Augment(sentences, MentionInventory.From(sentences), scheme, rounds: 5, seed: 11);

        Assert.NotEmpty(result.Rewrites);
        Assert.Contains(result.Rewrites, r => r.Sentence.Tokens.Count != sentences.Single(s => s.Id == r.Sentence.Provenance!.SourceId).Tokens.Count);
        foreach (var rewrite in result.Rewrites)
        {
            var sentence = rewrite.Sentence;
            Assert.Empty(TagSchemes.Check(sentence.Tags, scheme));
            var source = sentences.Single(s => s.Id == sentence.Provenance!.SourceId);
            var spans = EntitySpans.ReadStrict(sentence.Tags, scheme);
            Assert.Equal(source.Entities().Select(e => e.Type), spans.Select(s => s.Type));
            Assert.Equal(rewrite.Substitutions.Select(s => s.Replaced), spans);
            foreach (var substitution in rewrite.Substitutions)
            {
                Assert.Equal(substitution.Substitute.Tokens, sentence.Tokens.Skip(substitution.Replaced.Start).Take(substitution.Replaced.Length));
                Assert.Equal(substitution.Original.Type, substitution.Substitute.Type);
                Assert.Equal(source.Tokens.Skip(substitution.Original.Start).Take(substitution.Original.Length), substitution.OriginalTokens);
            }
            Assert.Equal($"{source.Id}/label-wise/r{sentence.Provenance!.Round}", sentence.Id);
            Assert.Equal(new Provenance(source.Id, sentence.Provenance.Round, "label-wise"), sentence.Provenance);
        }
    }

    [Fact]
    public void NonEntityWordsStayInPlaceAroundTheSubstitutes()
    {
        var sentences = TinyCorpus.English();
        var result = LabelwiseSubstitution.Augment(sentences, MentionInventory.From(sentences), TagScheme.Iob2, rounds: 4, seed: 3);
        foreach (var rewrite in result.Rewrites)
        {
            var source = sentences.Single(s => s.Id == rewrite.Sentence.Provenance!.SourceId);
            var outsideSource = source.Tokens.Where((_, i) => source.Tags[i] == "O");
            var outsideRewrite = rewrite.Sentence.Tokens.Where((_, i) => rewrite.Sentence.Tags[i] == "O");
            Assert.Equal(outsideSource, outsideRewrite);
        }
    }

    [Fact]
    public void DrawsDependOnSeedIdAndRoundOnlyNotOnOrder()
    {
        var sentences = TinyCorpus.English();
        var inventory = MentionInventory.From(sentences);
        var forward = LabelwiseSubstitution.Augment(sentences, inventory, TagScheme.Iob2, 3, 42);
        var reversed = LabelwiseSubstitution.Augment(sentences.Reverse().ToArray(), MentionInventory.From(sentences.Reverse()), TagScheme.Iob2, 3, 42);
        var single = LabelwiseSubstitution.Augment([sentences[1]], inventory, TagScheme.Iob2, 3, 42);

        string Key(IEnumerable<Sentence> s) => string.Join("\n", s.OrderBy(x => x.Id, StringComparer.Ordinal).Select(x => x.Id + " " + TinyCorpus.Show(x)));
        Assert.Equal(Key(forward.Sentences), Key(reversed.Sentences));
        Assert.Equal(Key(forward.Sentences.Where(s => s.Provenance!.SourceId == "en:1")), Key(single.Sentences));
        var other = LabelwiseSubstitution.Augment(sentences, inventory, TagScheme.Iob2, 3, 43);
        Assert.NotEqual(Key(forward.Sentences), Key(other.Sentences));
    }

    [Fact]
    public void EveryItemIsCountedAndNoRewriteRepeatsItsSourceOrAnEarlierRound()
    {
        var sentences = TinyCorpus.English();
        const int rounds = 6;
        var result = LabelwiseSubstitution.Augment(sentences, MentionInventory.From(sentences), TagScheme.Iob2, rounds, 5);

        Assert.Equal(sentences.Count * rounds, result.SentenceCounts.Values.Sum());
        Assert.Equal(rounds, result.SentenceCounts[Reasons.NoEntities]);
        Assert.Equal(result.Rewrites.Count, result.SentenceCounts[Reasons.Rewritten]);
        Assert.True(result.SentenceCounts.GetValueOrDefault(Reasons.IdenticalToSource) + result.SentenceCounts.GetValueOrDefault(Reasons.DuplicateOfEarlierRound) > 0);
        Assert.Equal(sentences.Sum(s => s.Entities().Count) * rounds, result.MentionCounts[Reasons.Substituted]);
        foreach (var group in result.Sentences.GroupBy(s => s.Provenance!.SourceId))
        {
            var source = sentences.Single(s => s.Id == group.Key);
            var texts = group.Select(TinyCorpus.Show).ToArray();
            Assert.Equal(texts.Length, texts.Distinct().Count());
            Assert.DoesNotContain(TinyCorpus.Show(source), texts);
        }
    }

    [Fact]
    public void MentionsWithoutCandidatesAreKeptAndCounted()
    {
        var sentences = TinyCorpus.English();
        var onlyPeople = MentionInventory.From([TinyCorpus.Parse("x:0", "en", "Carla/B-PER")]);
        var result = LabelwiseSubstitution.Augment([sentences[0]], onlyPeople, TagScheme.Iob2, 1, 1);

        var rewrite = Assert.Single(result.Rewrites);
        Assert.Equal("Carla/B-PER visited/O Paris/B-LOC ./O", TinyCorpus.Show(rewrite.Sentence));
        Assert.Equal(1, result.MentionCounts[Reasons.NoCandidateOfType]);
        Assert.Equal(1, result.MentionCounts[Reasons.Substituted]);
    }

    [Fact]
    public void ChoicesAreUniformOverDistinctMentions()
    {
        var people = new[] { "Ann", "Ben", "Cid", "Dan" };
        var training = people.Select((p, i) => TinyCorpus.Parse($"t:{i}", "en", $"{p}/B-PER")).Append(TinyCorpus.Parse("t:9", "en", "Ann/B-PER")).ToArray();
        var inventory = MentionInventory.From(training);
        Assert.Equal(people, inventory.Of("en", "PER").Select(m => m.Tokens.Single()));
        var source = TinyCorpus.Parse("s", "en", "Zed/B-PER");
        var counts = new Dictionary<string, int>();
        for (ulong seed = 0; seed < 4000; seed++)
        {
            var word = LabelwiseSubstitution.Augment([source], inventory, TagScheme.Iob2, 1, seed).Sentences.Single().Tokens[0];
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        Assert.Equal(people.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 900, 1100));
    }

    [Fact]
    public void GoldOnlyRewritesNothingButCountsEverySentence()
    {
        var result = GoldOnly.Augment(TinyCorpus.English());
        Assert.Empty(result.Rewrites);
        Assert.Equal(5, result.SentenceCounts[Reasons.GoldSentence]);
        Assert.Equal("gold-only", result.Method);
    }
}
