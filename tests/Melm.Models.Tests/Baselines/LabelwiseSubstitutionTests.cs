using Melm.Models.Augmentation;
using Melm.Models.Baselines;
using Melm.Models.Data;

namespace Melm.Models.Tests.Baselines;

public class LabelwiseSubstitutionTests
{
    /// <summary>R rounds of label-wise substitution without a filter: the kept rewrites and the dropped ones.</summary>
    private static AugmentationOutcome Augment(IReadOnlyList<Sentence> sentences, MentionInventory inventory, TagScheme scheme, int rounds, ulong seed) =>
        AugmentationRun.Run(new LabelwiseSubstitution(inventory, scheme, seed), sentences, rounds, filter: null);

    private static IReadOnlyList<Sentence> Sentences(AugmentationOutcome outcome) => [.. outcome.Kept.Select(r => r.Sentence)];

    [Theory]
    [InlineData(TagScheme.Iob2)]
    [InlineData(TagScheme.Bioes)]
    public void TagsFollowTheSubstitutedMentionsInTheDataScheme(TagScheme scheme)
    {
        var sentences = TinyCorpus.English().Select(s => TagSchemes.Convert(s, scheme)).ToArray();
        var result = Augment(sentences, MentionInventory.From(sentences), scheme, rounds: 5, seed: 11);

        Assert.NotEmpty(result.Kept);
        Assert.Contains(result.Kept, r => r.Sentence.Tokens.Count != sentences.Single(s => s.Id == r.Sentence.Provenance!.SourceId).Tokens.Count);
        foreach (var rewrite in result.Kept)
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
        var result = Augment(sentences, MentionInventory.From(sentences), TagScheme.Iob2, rounds: 4, seed: 3);
        foreach (var rewrite in result.Kept)
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
        var forward = Augment(sentences, inventory, TagScheme.Iob2, 3, 42);
        var reversed = Augment(sentences.Reverse().ToArray(), MentionInventory.From(sentences.Reverse()), TagScheme.Iob2, 3, 42);
        var single = Augment([sentences[1]], inventory, TagScheme.Iob2, 3, 42);

        string Key(IEnumerable<Sentence> s) => string.Join("\n", s.OrderBy(x => x.Id, StringComparer.Ordinal).Select(x => x.Id + " " + TinyCorpus.Show(x)));
        Assert.Equal(Key(Sentences(forward)), Key(Sentences(reversed)));
        Assert.Equal(Key(Sentences(forward).Where(s => s.Provenance!.SourceId == "en:1")), Key(Sentences(single)));
        var other = Augment(sentences, inventory, TagScheme.Iob2, 3, 43);
        Assert.NotEqual(Key(Sentences(forward)), Key(Sentences(other)));
    }

    [Fact]
    public void EveryItemIsCountedAndNoRewriteRepeatsItsSourceOrAnEarlierRound()
    {
        var sentences = TinyCorpus.English();
        const int rounds = 6;
        var result = Augment(sentences, MentionInventory.From(sentences), TagScheme.Iob2, rounds, 5);

        var summary = AugmentationSummary.Build(LabelwiseSubstitution.MethodName, "", sentences, result, "none");
        var withEntities = sentences.Count(s => s.Entities().Count > 0);
        Assert.Equal(sentences.Count - withEntities, summary.WithoutEntities);
        Assert.Equal(withEntities * rounds, summary.RewritesMade);
        Assert.Equal(summary.RewritesMade, summary.Kept + summary.Dropped.Values.Sum());
        Assert.True(summary.Dropped["identical_to_source"] + summary.Dropped["duplicate"] > 0);
        Assert.Equal(sentences.Sum(s => s.Entities().Count) * rounds, summary.MentionsSubstituted);
        foreach (var group in Sentences(result).GroupBy(s => s.Provenance!.SourceId))
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
        var result = Augment([sentences[0]], onlyPeople, TagScheme.Iob2, 1, 1);

        var rewrite = Assert.Single(result.Kept);
        Assert.Equal("Carla/B-PER visited/O Paris/B-LOC ./O", TinyCorpus.Show(rewrite.Sentence));
        Assert.Single(rewrite.Substitutions);
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
            var word = new LabelwiseSubstitution(inventory, TagScheme.Iob2, seed).Rewrite([source], 1).Single().Sentence.Tokens[0];
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        Assert.Equal(people.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 900, 1100));
    }

    [Fact]
    public void GoldOnlyRewritesNothingButCountsEverySentence()
    {
        var sentences = TinyCorpus.English();
        var outcome = AugmentationRun.Run(new GoldOnly(), sentences, rounds: 3, filter: null);

        var summary = AugmentationSummary.Build(GoldOnly.MethodName, new GoldOnly().Description, sentences, outcome, "none");

        Assert.Empty(outcome.Kept);
        Assert.Empty(outcome.Dropped);
        Assert.Equal(5, summary.SentencesRead);
        Assert.Equal(1, summary.WithoutEntities);
        Assert.Equal(0, summary.RewritesMade);
        Assert.Equal("gold-only", summary.Method);
    }
}
