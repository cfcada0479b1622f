using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>Keeps the rewrites whose predicted tags agree with the intended ones (paper 2.4), by a <see cref="FilterRule"/>.</summary>
public static class ConsistencyFilter
{
    /// <summary>
    /// Tags <paramref name="rewrites"/> in batches with <paramref name="tagger"/>; those the rule
    /// refuses are dropped with <see cref="DropReason.Filter"/>. Order is kept.
    /// </summary>
    /// <param name="sources">The rewrites' source sentences by id (the rules other than the paper's compare with them).</param>
    public static (IReadOnlyList<Rewrite> Kept, IReadOnlyList<DroppedRewrite> Dropped) Apply(
        IReadOnlyList<Rewrite> rewrites, IConsistencyFilter tagger, IReadOnlyDictionary<string, Sentence> sources,
        FilterRule rule = FilterRule.Sentence, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(rewrites);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Dictionary<string, IReadOnlyList<string>>? sourcePredictions = null;
        if (rule == FilterRule.NoWorse)
        {
            var tagged = rewrites.Select(r => sources[r.SourceId]).DistinctBy(s => s.Id, StringComparer.Ordinal).ToArray();
            var predictions = Predict(tagger, tagged, batchSize);
            sourcePredictions = tagged.Select((s, i) => (s.Id, Tags: predictions[i])).ToDictionary(p => p.Id, p => p.Tags, StringComparer.Ordinal);
        }
        var kept = new List<Rewrite>();
        var dropped = new List<DroppedRewrite>();
        foreach (var batch in rewrites.Chunk(batchSize))
        {
            var predicted = Predict(tagger, [.. batch.Select(r => r.Sentence)], batchSize);
            for (var i = 0; i < batch.Length; i++)
            {
                var rewrite = batch[i];
                var source = sources[rewrite.SourceId];
                var keeps = FilterRules.Keeps(rule, rewrite.Sentence.Tokens, rewrite.Sentence.Tags, predicted[i],
                    source.Tokens, sourcePredictions?[source.Id], source.Tags);
                if (keeps)
                    kept.Add(rewrite);
                else
                    dropped.Add(new DroppedRewrite(rewrite, DropReason.Filter));
            }
        }
        return (kept, dropped);
    }

    /// <summary>The tagger's tags for each sentence, in order, predicted in batches.</summary>
    private static List<IReadOnlyList<string>> Predict(IConsistencyFilter tagger, Sentence[] sentences, int batchSize)
    {
        var tags = new List<IReadOnlyList<string>>(sentences.Length);
        foreach (var batch in sentences.Chunk(batchSize))
        {
            var predicted = tagger.Predict([.. batch.Select(s => s.Tokens)]);
            if (predicted.Count != batch.Length)
                throw new InvalidOperationException($"The tagger returned {predicted.Count} tag sequences for {batch.Length} sentences.");
            tags.AddRange(predicted);
        }
        return tags;
    }
}
