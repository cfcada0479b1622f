using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Augmentation;

/// <summary>
/// One round of augmentation over some sentences: the work item of a run (a shard and a round).
/// It depends only on the sentences given and the round, so running every sentence at once or
/// shard by shard gives the same rewrites; <see cref="AugmentationRun.Combine"/> then drops the
/// repeats of earlier rounds.
/// </summary>
public static class AugmentationRound
{
    /// <summary>
    /// Rewrites <paramref name="sentences"/> once for <paramref name="round"/>, drops the rewrites
    /// that changed nothing, and tags the rest with <paramref name="filter"/> when one is given
    /// (paper 2.4), dropping those it disagrees with by <paramref name="filterRule"/>.
    /// </summary>
    public static RoundResult Run(
        IRewriter rewriter,
        IReadOnlyList<Sentence> sentences,
        int round,
        IConsistencyFilter? filter,
        int filterBatchSize = 32,
        IProgress<ProgressUpdate>? progress = null,
        FilterRule filterRule = FilterRule.Sentence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round);
        var sources = sentences.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var changed = new List<Rewrite>();
        var dropped = new List<DroppedRewrite>();
        foreach (var rewrite in rewriter.Rewrite(sentences, round, progress))
        {
            if (!AugmentationRun.SameText(rewrite.Sentence, sources[rewrite.SourceId]))
                changed.Add(rewrite);
            else
                dropped.Add(new(rewrite, rewrite.MaskedSubwords > 0 && rewrite.KeptOriginal == rewrite.MaskedSubwords ? DropReason.NoValidCandidate : DropReason.IdenticalToSource));
        }
        if (filter is null)
            return new RoundResult(round, changed, dropped);
        var (kept, refused) = ConsistencyFilter.Apply(changed, filter, sources, filterRule, filterBatchSize);
        return new RoundResult(round, kept, [.. dropped, .. refused]);
    }
}
