namespace Melm.Models.Augmentation;

/// <summary>Keeps the rewrites whose predicted tags equal the intended ones (paper 2.4).</summary>
public static class ConsistencyFilter
{
    /// <summary>
    /// Tags <paramref name="rewrites"/> in batches with <paramref name="tagger"/>; those whose tags
    /// differ anywhere are dropped with <see cref="DropReason.Filter"/>. Order is kept.
    /// </summary>
    public static (IReadOnlyList<Rewrite> Kept, IReadOnlyList<DroppedRewrite> Dropped) Apply(
        IReadOnlyList<Rewrite> rewrites, IConsistencyFilter tagger, int batchSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var kept = new List<Rewrite>();
        var dropped = new List<DroppedRewrite>();
        foreach (var batch in rewrites.Chunk(batchSize))
        {
            var predicted = tagger.Predict([.. batch.Select(r => r.Sentence.Tokens)]);
            if (predicted.Count != batch.Length)
                throw new InvalidOperationException($"The tagger returned {predicted.Count} tag sequences for {batch.Length} sentences.");
            for (var i = 0; i < batch.Length; i++)
            {
                if (predicted[i].SequenceEqual(batch[i].Sentence.Tags, StringComparer.Ordinal))
                    kept.Add(batch[i]);
                else
                    dropped.Add(new DroppedRewrite(batch[i], DropReason.Filter));
            }
        }
        return (kept, dropped);
    }
}
