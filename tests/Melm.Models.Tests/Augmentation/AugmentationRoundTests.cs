using Melm.Models.Augmentation;
using Melm.Models.Baselines;
using Melm.Models.Data;
using Melm.Models.Tests.Baselines;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.Augmentation;

public sealed class AugmentationRoundTests
{
    /// <summary>Shards of two sentences, rounds in reverse, combined afterwards: the way a work-item processor runs them.</summary>
    private static AugmentationOutcome ShardByShard(IRewriter rewriter, IReadOnlyList<Sentence> sentences, int rounds)
    {
        var results = new List<RoundResult>();
        for (var round = rounds; round >= 1; round--)
        {
            foreach (var shard in sentences.Chunk(2).Reverse())
                results.Add(AugmentationRound.Run(rewriter, shard, round, filter: null));
        }
        return AugmentationRun.Combine(sentences, results);
    }

    private static string Bytes(AugmentationOutcome outcome) =>
        System.Text.Encoding.UTF8.GetString(JsonLines.Serialize(outcome.Kept.Select(r => r.Sentence)))
        + string.Join('\n', outcome.Dropped.Select(d => $"{d.Rewrite.Sentence.Id} {d.Reason}"));

    [Fact]
    public void ShardsAndRoundsInAnyOrderGiveTheSameRewritesAsOneCall()
    {
        var sentences = TinyCorpus.English();
        var labelwise = new LabelwiseSubstitution(MentionInventory.From(sentences), TagScheme.Iob2, 4);
        using var folder = MelmFixtures.PretrainedFolder();
        var demo = MelmFixtures.Demo(count: 7);
        using var model = MelmModel.Prepare(folder.Path, demo, AugmentationMethod.Melm);
        using var melm = new MelmGenerator(model, new GenerationOptions(Seed: 4));

        Assert.Equal(Bytes(AugmentationRun.Run(labelwise, sentences, 4, filter: null)), Bytes(ShardByShard(labelwise, sentences, 4)));
        Assert.Equal(Bytes(AugmentationRun.Run(melm, demo, 3, filter: null)), Bytes(ShardByShard(melm, demo, 3)));
        Assert.Contains(AugmentationRun.Run(labelwise, sentences, 4, filter: null).Dropped, d => d.Reason == DropReason.Duplicate);
    }

    [Fact]
    public void TheFilterActsPerRoundAndRepeatsOfAKeptRewriteAreDuplicates()
    {
        var source = TinyCorpus.Parse("s:0", "en", "Ann/B-PER runs/O");
        var other = TinyCorpus.Parse("t:0", "en", "Bob/B-PER");
        var rewriter = new LabelwiseSubstitution(MentionInventory.From([other]), TagScheme.Iob2, 1);
        var refuseAll = new FixedTagger("O");
        var acceptAll = new FixedTagger("B-PER");

        var refused = AugmentationRun.Run(rewriter, [source], 3, refuseAll);
        var accepted = AugmentationRun.Run(rewriter, [source], 3, acceptAll);

        // The only substitute is "Bob", so every round makes the same rewrite.
        Assert.Empty(refused.Kept);
        Assert.All(refused.Dropped, d => Assert.Equal(DropReason.Filter, d.Reason));
        Assert.Equal(1, Assert.Single(accepted.Kept).Round);
        Assert.Equal([2, 3], accepted.Dropped.Select(d => d.Rewrite.Round));
        Assert.All(accepted.Dropped, d => Assert.Equal(DropReason.Duplicate, d.Reason));
    }

    /// <summary>Tags the first token with <paramref name="first"/> and the rest O.</summary>
    private sealed class FixedTagger(string first) : IConsistencyFilter
    {
        public IReadOnlyList<IReadOnlyList<string>> Predict(IReadOnlyList<IReadOnlyList<string>> sentences) =>
            [.. sentences.Select(s => (IReadOnlyList<string>)[first, .. Enumerable.Repeat("O", s.Count - 1)])];
    }
}
