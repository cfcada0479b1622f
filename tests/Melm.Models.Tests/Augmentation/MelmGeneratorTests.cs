using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Nn;
using Melm.Models.Text;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.Augmentation;

public sealed class MelmGeneratorTests
{
    [Fact]
    public void RewritesKeepLengthTagsAndNonEntityWordsAndContainNoMarkersOrSpecialTokens()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        var train = MelmFixtures.Demo(count: 20);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);
        using var generator = new MelmGenerator(model, new GenerationOptions(Rounds: 3, Seed: 5));

        var result = Run(generator, train, 3);

        Assert.NotEmpty(result.Kept);
        var forbidden = new HashSet<string>(model.Markers.AllMarkers, StringComparer.Ordinal) { "<s>", "</s>", "<pad>", "<unk>", "<mask>" };
        var byId = train.ToDictionary(s => s.Id);
        foreach (var rewrite in result.Kept.Concat(result.Dropped.Select(d => d.Rewrite)))
        {
            var sentence = rewrite.Sentence;
            var source = byId[sentence.Provenance!.SourceId];
            Assert.Equal(source.Tokens.Count, sentence.Tokens.Count);
            Assert.Equal(source.Tags, sentence.Tags);
            for (var i = 0; i < source.Tokens.Count; i++)
            {
                var token = sentence.Tokens[i];
                Assert.NotEmpty(token);
                Assert.DoesNotContain(token, char.IsWhiteSpace);
                Assert.DoesNotContain(forbidden, f => token.Contains(f, StringComparison.Ordinal));
                if (source.Tags[i] == Tag.OutsideText)
                    Assert.Equal(source.Tokens[i], token);
            }
            Assert.Equal($"{source.Id}/melm/r{rewrite.Round}", sentence.Id);
            Assert.Equal("melm", sentence.Provenance.Method);
        }
        // At least one subword of every rewritable entity word is masked in every rewrite.
        var entityWords = train.Sum(s => s.Tags.Count(t => t != Tag.OutsideText));
        Assert.True(result.Made.Sum(r => r.MaskedSubwords) >= 3L * entityWords - result.Made.Sum(r => r.SkippedEntityWords));
    }

    [Fact]
    public void SentencesWithoutEntitiesPassThroughAndAreCounted()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        var train = MelmFixtures.Demo(count: 6);
        var plain = new Sentence("plain:0", "en", ["nothing", "here"], ["O", "O"]);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);
        using var generator = new MelmGenerator(model, new GenerationOptions(Rounds: 2, Seed: 5));

        var result = Run(generator, [.. train, plain], 2);

        var summary = AugmentationSummary.Build(generator.Method, generator.Description, [.. train, plain], result, "none");
        var withEntities = train.Count(s => s.Entities().Count > 0);
        Assert.Equal(7, summary.SentencesRead);
        Assert.Equal(7 - withEntities, summary.WithoutEntities);
        Assert.Equal(withEntities, summary.WithEntities);
        Assert.Equal(2 * withEntities, summary.RewritesMade);
        Assert.Equal(2 * withEntities, result.Kept.Count + result.Dropped.Count);
        Assert.DoesNotContain(result.Kept, r => r.Sentence.Provenance!.SourceId == "plain:0");
    }

    [Fact]
    public void SameSeedGivesSameBytesWhateverTheBatchSizeAndSentenceOrder()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 16);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);

        byte[] Run(int batchSize, IReadOnlyList<Sentence> sentences, string name, ulong seed = 9)
        {
            using var generator = new MelmGenerator(model, new GenerationOptions(BatchSize: batchSize, Seed: seed));
            var result = AugmentationRun.Run(generator, sentences, 3, filter: null);
            var summary = AugmentationSummary.Build(generator.Method, generator.Description, sentences, result, "none");
            var dir = Path.Combine(output.Path, name);
            AugmentationOutput.Write(dir, sentences, [.. result.Kept.Select(r => r.Augmented)], summary);
            return File.ReadAllBytes(Path.Combine(dir, AugmentationOutput.AugmentedJsonLines));
        }
        IEnumerable<string> Lines(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);

        var first = Run(32, train, "a");
        var second = Run(32, train, "b");
        var smallBatches = Run(1, train, "c");
        var reversed = Run(5, [.. train.Reverse()], "d");
        var otherSeed = Run(32, train, "e", seed: 10);

        Assert.Equal(first, second);
        Assert.Equal(first, smallBatches);
        Assert.Equal(Lines(first), Lines(reversed));
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void RewritesIdenticalToTheSourceOrAnEarlierRoundAreDroppedWithTheirReason()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        // A one-subword entity word: every round masks exactly that subword.
        var tokenizer = XlmrTokenizer.Load(folder.Path);
        var word = Enumerable.Range(4, tokenizer.Mask - 4).Select(tokenizer.IdToPiece)
            .First(p => p.Length > 3 && p[0] == '\u2581' && tokenizer.EncodeWord(p[1..]).Ids.Count == 1)[1..];
        var sentence = new Sentence("one:0", "en", [word, "sings"], ["B-PER", "O"]);
        using var model = MelmModel.Prepare(folder.Path, [sentence], AugmentationMethod.Melm);
        // With k = 1 every round draws the same best candidate.
        using var generator = new MelmGenerator(model, new GenerationOptions(Rounds: 6, TopK: 1, Seed: 8));

        var result = Run(generator, [sentence], 6);

        Assert.Equal(6, result.Made.Count());
        Assert.True(result.Kept.Count <= 1);
        Assert.Equal(6 - result.Kept.Count, result.Dropped.Count);
        var reason = result.Kept.Count == 1 ? DropReason.Duplicate : DropReason.IdenticalToSource;
        Assert.All(result.Dropped, d => Assert.Equal(reason, d.Reason));
        Assert.Equal(Enumerable.Range(result.Kept.Count + 1, 6 - result.Kept.Count), result.Dropped.Select(d => d.Rewrite.Round));
    }

    [Fact]
    public void LongSentencesAreWindowedNeverCut()
    {
        using var folder = MelmFixtures.PretrainedFolder(maxPositions: 24);
        var train = MelmFixtures.Demo(count: 10);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);
        Assert.Contains(train, s => model.Encode(s).Length > 20);
        using var generator = new MelmGenerator(model, new GenerationOptions(Rounds: 1, Seed: 3));

        var result = Run(generator, train, 1);

        var all = result.Kept.Concat(result.Dropped.Select(d => d.Rewrite)).ToList();
        Assert.Equal(train.Count(s => s.Entities().Count > 0), all.Count);
        Assert.All(all, r => Assert.Equal(train.Single(s => s.Id == r.SourceId).Tokens.Count, r.Sentence.Tokens.Count));
        Assert.True(all.Sum(r => r.MaskedSubwords) > 0);
    }

    [Fact]
    public void UnknownTagsAreRefusedWithFileLineAndTag()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        var train = MelmFixtures.Demo(count: 6);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);
        using var generator = new MelmGenerator(model, new GenerationOptions());
        var odd = new Sentence("x:0", "en", ["Acme", "rocks"], ["B-PRODUCT", "O"]) { Lines = [7, 8] };

        var error = Assert.Throws<InputException>(() => AugmentationRun.Run(generator, [odd], 1, null, source: "in.conll"));

        Assert.Contains("in.conll:7: sentence x:0: tag B-PRODUCT is not in the model's marker set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralLanguagesGetLanguageMarkersAndAnUnknownLanguageIsRefused()
    {
        using var folder = MelmFixtures.PretrainedFolder(maxPositions: 80);
        var train = MelmFixtures.Demo("en", count: 4).Select(s => s with { Id = "en-" + s.Id, Lang = "en" })
            .Concat(MelmFixtures.Demo("de", count: 4).Select(s => s with { Id = "de-" + s.Id, Lang = "de" })).ToArray();
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);
        using var generator = new MelmGenerator(model, new GenerationOptions(Rounds: 1, Seed: 2));

        var result = Run(generator, train, 1);
        var stranger = train.First(s => s.Entities().Count > 0) with { Id = "nl:0", Lang = "nl" };

        Assert.True(model.Markers.IsMultilingual);
        Assert.Equal(["de", "en"], model.Info.Languages);
        Assert.Contains(model.Tokenizer.PieceToId("<de>")!.Value, model.Encode(train[^1]).Ids);
        Assert.All(result.Kept, r => Assert.DoesNotContain(r.Sentence.Tokens, t => t is "<de>" or "<en>"));
        var error = Assert.Throws<InputException>(() => AugmentationRun.Run(generator, [stranger], 1, null));
        Assert.Contains("language 'nl' has no marker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedSentenceIdsAreRefusedSinceDrawsAreKeyedByThem()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        var train = MelmFixtures.Demo(count: 4);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.Melm);
        using var generator = new MelmGenerator(model, new GenerationOptions());

        var error = Assert.Throws<InputException>(() => AugmentationRun.Run(generator, [.. train, train[1]], 1, null, source: "in.conll"));

        Assert.Contains($"sentence id {train[1].Id} occurs 2 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MlmEntityUsesNoMarkers()
    {
        using var folder = MelmFixtures.PretrainedFolder();
        var train = MelmFixtures.Demo(count: 6);
        using var model = MelmModel.Prepare(folder.Path, train, AugmentationMethod.MlmEntity);
        using var generator = new MelmGenerator(model, new GenerationOptions(Rounds: 1, Seed: 2));

        var result = Run(generator, train, 1);

        Assert.Equal(XlmrTokenizer.Load(folder.Path).VocabSize, model.Tokenizer.VocabSize);
        Assert.Equal(model.Encode(train[0]).Length, model.Tokenizer.EncodeWords(train[0].Tokens).InputIds.Count - 2);
        Assert.All(result.Kept, r => Assert.Equal("mlm-entity", r.Sentence.Provenance!.Method));
    }

    [Fact]
    public void ConsistencyFilterKeepsOnlyRewritesTaggedAsIntended()
    {
        var rewrites = new[]
        {
            new Rewrite(new Sentence("a/melm/r1", "en", ["Ann", "runs"], ["B-PER", "O"]) { Provenance = new("a", 1, "melm") }, 1, 0, 0),
            new Rewrite(new Sentence("b/melm/r1", "en", ["Rome", "sleeps"], ["B-LOC", "O"]) { Provenance = new("b", 1, "melm") }, 1, 0, 0),
        };
        var tagger = new ListTagger(new Dictionary<string, string[]> { ["Ann"] = ["B-PER", "O"], ["Rome"] = ["B-ORG", "O"], ["Bea"] = ["B-PER", "O"], ["Oslo"] = ["B-LOC", "O"] });
        var sources = new Dictionary<string, Sentence>
        {
            ["a"] = new("a", "en", ["Bea", "runs"], ["B-PER", "O"]),
            ["b"] = new("b", "en", ["Oslo", "sleeps"], ["B-LOC", "O"]),
        };

        var (kept, dropped) = ConsistencyFilter.Apply(rewrites, tagger, sources, batchSize: 1);

        Assert.Equal(["a/melm/r1"], kept.Select(r => r.Sentence.Id));
        Assert.Equal(DropReason.Filter, Assert.Single(dropped).Reason);
        Assert.Equal(2, tagger.Calls);

        // No worse than the source: both sources are tagged right, so the same rewrite is still refused;
        // the sources are tagged once each, beside the rewrites.
        var (keptNoWorse, _) = ConsistencyFilter.Apply(rewrites, tagger, sources, FilterRule.NoWorse, batchSize: 1);
        Assert.Equal(["a/melm/r1"], keptNoWorse.Select(r => r.Sentence.Id));
        Assert.Equal(2 + 4, tagger.Calls);
    }

    [Fact]
    public void SummaryCountsNewEntityStringsPerType()
    {
        var source = new Sentence("s:0", "en", ["Ann", "met", "Bob", "Lee"], ["B-PER", "O", "B-PER", "I-PER"]);
        var rewrite = new Rewrite(source with { Id = "s:0/melm/r1", Tokens = ["Ann", "met", "Rob", "Lee"], Provenance = new("s:0", 1, "melm") }, 2, 0, 0);
        var repeat = rewrite with { Sentence = rewrite.Sentence with { Id = "s:0/melm/r2", Provenance = new("s:0", 2, "melm") } };
        var outcome = new AugmentationOutcome([rewrite], [new DroppedRewrite(repeat, DropReason.Duplicate)]);

        var summary = AugmentationSummary.Build("melm", "test", [source], outcome, "none");

        var per = Assert.Single(summary.EntityTypes);
        Assert.Equal(new EntityTypeSummary("PER", 2, 2, 1, 2, 1), per);
        Assert.Equal(0.5, summary.NewMentionShare);
        Assert.Equal(2, summary.RewritesMade);
        Assert.Equal(4, summary.MaskedSubwords);
        Assert.Equal(1, summary.Dropped["duplicate"]);
        Assert.Equal(0, summary.Dropped["filter"]);
        Assert.Equal(1, summary.Kept);
    }

    private static AugmentationOutcome Run(MelmGenerator generator, IReadOnlyList<Sentence> sentences, int rounds) =>
        AugmentationRun.Run(generator, sentences, rounds, filter: null);

    /// <summary>A test tagger: the tags listed for a sentence's first token.</summary>
    private sealed class ListTagger(Dictionary<string, string[]> tags) : IConsistencyFilter
    {
        public int Calls { get; private set; }

        public IReadOnlyList<IReadOnlyList<string>> Predict(IReadOnlyList<IReadOnlyList<string>> sentences)
        {
            Calls++;
            return [.. sentences.Select(s => (IReadOnlyList<string>)tags[s[0]])];
        }
    }
}
