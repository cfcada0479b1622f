using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Augmentation;

/// <summary>
/// R rounds of a method over a training set (paper 2.3 and 2.4): each round through
/// <see cref="AugmentationRound.Run"/>, then <see cref="Combine"/>. The command line, the demo and
/// the benchmarks run augmentation through here.
/// </summary>
public static class AugmentationRun
{
    public static AugmentationOutcome Run(
        IRewriter rewriter,
        IReadOnlyList<Sentence> sentences,
        int rounds,
        IConsistencyFilter? filter,
        int filterBatchSize = 32,
        IProgress<ProgressUpdate>? progress = null,
        string source = "input",
        FilterRule filterRule = FilterRule.Sentence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        SentenceIds.CheckUnique(sentences, source);
        rewriter.Check(sentences, source);
        var results = new List<RoundResult>(rounds);
        for (var round = 1; round <= rounds; round++)
            results.Add(AugmentationRound.Run(rewriter, sentences, round, filter, filterBatchSize, progress, filterRule));
        return Combine(sentences, results);
    }

    /// <summary>
    /// Puts round results (of whole runs or of shards, in any order) into (source sentence, round)
    /// order and drops, as <see cref="DropReason.Duplicate"/>, a passed rewrite equal to a passed
    /// rewrite of the same source from an earlier round. The filter acts before this, so a repeat
    /// the filter refused stays counted as refused by the filter.
    /// </summary>
    public static AugmentationOutcome Combine(IReadOnlyList<Sentence> sentences, IEnumerable<RoundResult> results)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sentences.Count; i++)
            order[sentences[i].Id] = i;
        int OrderOf(Rewrite r) => order.TryGetValue(r.SourceId, out var index)
            ? index
            : throw new ArgumentException($"rewrite {r.Sentence.Id} names source {r.SourceId}, which is not among the sentences", nameof(results));
        var all = results.ToArray();
        var passed = all.SelectMany(r => r.Passed).OrderBy(OrderOf).ThenBy(r => r.Round).ToArray();
        var dropped = all.SelectMany(r => r.Dropped).ToList();
        var kept = new List<Rewrite>();
        foreach (var group in passed.GroupBy(r => r.SourceId, StringComparer.Ordinal))
        {
            var seen = new List<Sentence>();
            foreach (var rewrite in group)
            {
                if (seen.Any(s => SameText(s, rewrite.Sentence)))
                {
                    dropped.Add(new DroppedRewrite(rewrite, DropReason.Duplicate));
                    continue;
                }
                seen.Add(rewrite.Sentence);
                kept.Add(rewrite);
            }
        }
        return new AugmentationOutcome(kept, [.. dropped.OrderBy(d => OrderOf(d.Rewrite)).ThenBy(d => d.Rewrite.Round)]);
    }

    /// <summary>Same words and same tags: label-wise rewrites change lengths, so both count.</summary>
    internal static bool SameText(Sentence a, Sentence b) =>
        a.Tokens.SequenceEqual(b.Tokens, StringComparer.Ordinal) && a.Tags.SequenceEqual(b.Tags, StringComparer.Ordinal);
}
