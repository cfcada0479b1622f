using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>Distinct entity strings of one type: in the source data, in the kept rewrites, and those of the rewrites the source lacks.</summary>
public sealed record EntityTypeSummary(string Type, int SourceUnique, int RewriteUnique, int NewUnique);

/// <summary>What an augmentation run read, made, dropped (by reason) and kept: `summary.json` and the printed table.</summary>
public sealed record AugmentationSummary(
    string Method,
    int SentencesRead,
    int WithEntities,
    int WithoutEntities,
    int RewritesMade,
    IReadOnlyDictionary<string, int> Dropped,
    int Kept,
    long MaskedSubwords,
    long KeptOriginalSubwords,
    long SkippedEntityWords,
    string Filter,
    IReadOnlyList<EntityTypeSummary> EntityTypes)
{
    /// <summary>The summary of a generation result after filtering.</summary>
    public static AugmentationSummary Build(
        string method,
        IReadOnlyList<Sentence> sources,
        GenerationCounts counts,
        IReadOnlyList<Rewrite> kept,
        IEnumerable<DroppedRewrite> dropped,
        string filter) =>
        Build(method, sources, counts, kept.Select(r => r.Sentence).ToArray(),
            dropped.GroupBy(d => ReasonName(d.Reason)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal), filter);

    /// <summary>The same from the kept sentences and the drops counted by reason name (a distributed run's assembly).</summary>
    public static AugmentationSummary Build(
        string method,
        IReadOnlyList<Sentence> sources,
        GenerationCounts counts,
        IReadOnlyList<Sentence> kept,
        IReadOnlyDictionary<string, int> dropped,
        string filter)
    {
        // Every reason appears, in enum order, so summary.json has one shape whatever was dropped.
        var byReason = Enum.GetValues<DropReason>().ToDictionary(ReasonName, _ => 0, StringComparer.Ordinal);
        foreach (var (reason, count) in dropped)
        {
            if (!byReason.ContainsKey(reason))
                throw new ArgumentException($"unknown drop reason \"{reason}\"", nameof(dropped));
            byReason[reason] += count;
        }
        var source = EntityStrings(sources);
        var rewritten = EntityStrings(kept);
        var types = source.Keys.Union(rewritten.Keys).Order(StringComparer.Ordinal).Select(type =>
        {
            var inSource = source.GetValueOrDefault(type) ?? [];
            var inRewrites = rewritten.GetValueOrDefault(type) ?? [];
            return new EntityTypeSummary(type, inSource.Count, inRewrites.Count, inRewrites.Count(e => !inSource.Contains(e)));
        }).ToArray();
        return new AugmentationSummary(method, counts.SentencesRead, counts.WithEntities, counts.WithoutEntities, counts.RewritesMade,
            byReason, kept.Count, counts.MaskedSubwords, counts.KeptOriginalSubwords, counts.SkippedEntityWords, filter, types);
    }

    public static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.IdenticalToSource => "identical_to_source",
        DropReason.Duplicate => "duplicate",
        DropReason.NoValidCandidate => "no_valid_candidate",
        DropReason.Filter => "filter",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    private static Dictionary<string, HashSet<string>> EntityStrings(IEnumerable<Sentence> sentences)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
        {
            foreach (var span in sentence.Entities())
            {
                if (!result.TryGetValue(span.Type, out var set))
                    result[span.Type] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(string.Join(' ', sentence.Tokens.Skip(span.Start).Take(span.Length)));
            }
        }
        return result;
    }
}
