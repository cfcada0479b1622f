using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>
/// Entity strings of one type: distinct ones in the source data and in the kept rewrites, those of
/// the rewrites the source lacks, and the same for mentions (every occurrence in the kept rewrites).
/// </summary>
public sealed record EntityTypeSummary(string Type, int SourceUnique, int RewriteUnique, int NewUnique, int RewriteMentions, int NewMentions);

/// <summary>What an augmentation run read, made, dropped (by reason) and kept: `summary.json` and the printed table.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Description">What the rewrites are, in one line.</param>
/// <param name="SentencesRead">Source sentences.</param>
/// <param name="WithEntities">Sources with at least one entity: the ones rewritten.</param>
/// <param name="WithoutEntities">Sources without entities: passed through untouched (they are in train+aug).</param>
/// <param name="RewritesMade">Rewrites attempted: sentences with entities times rounds (0 for gold-only).</param>
/// <param name="Dropped">Rewrites left out, per reason (every reason listed, 0 included).</param>
/// <param name="Kept">Rewrites written.</param>
/// <param name="MaskedSubwords">Entity subwords masked over all rewrites (masked-LM methods).</param>
/// <param name="KeptOriginalSubwords">Masked subwords that kept their original piece.</param>
/// <param name="SkippedEntityWords">Entity words the tokenizer cannot represent (an &lt;unk&gt; piece), left as they were.</param>
/// <param name="MentionsSubstituted">Whole mentions replaced over all rewrites (label-wise substitution).</param>
/// <param name="Filter">The consistency filter: "ner" or "none".</param>
/// <param name="EntityTypes">Per entity type, distinct and new entity strings.</param>
public sealed record AugmentationSummary(
    string Method,
    string Description,
    int SentencesRead,
    int WithEntities,
    int WithoutEntities,
    int RewritesMade,
    IReadOnlyDictionary<string, int> Dropped,
    int Kept,
    long MaskedSubwords,
    long KeptOriginalSubwords,
    long SkippedEntityWords,
    long MentionsSubstituted,
    string Filter,
    IReadOnlyList<EntityTypeSummary> EntityTypes)
{
    /// <summary>Share of the kept rewrites' entity mentions whose string is not in the source data; null without any.</summary>
    public double? NewMentionShare =>
        EntityTypes.Sum(t => t.RewriteMentions) is var total and > 0 ? (double)EntityTypes.Sum(t => t.NewMentions) / total : null;

    /// <summary>The summary of a run's outcome; <paramref name="sources"/> are the sentences it rewrote.</summary>
    public static AugmentationSummary Build(string method, string description, IReadOnlyList<Sentence> sources, AugmentationOutcome outcome, string filter)
    {
        var byReason = Enum.GetValues<DropReason>().ToDictionary(ReasonName, _ => 0, StringComparer.Ordinal);
        foreach (var drop in outcome.Dropped)
            byReason[ReasonName(drop.Reason)]++;
        var source = EntityStrings(sources);
        var rewritten = EntityStrings(outcome.Kept.Select(r => r.Sentence));
        var types = source.Keys.Union(rewritten.Keys).Order(StringComparer.Ordinal).Select(type =>
        {
            var inSource = source.GetValueOrDefault(type) ?? [];
            var inRewrites = rewritten.GetValueOrDefault(type) ?? [];
            return new EntityTypeSummary(type, inSource.Count, inRewrites.Count, inRewrites.Keys.Count(e => !inSource.ContainsKey(e)),
                inRewrites.Values.Sum(), inRewrites.Where(e => !inSource.ContainsKey(e.Key)).Sum(e => e.Value));
        }).ToArray();
        var made = outcome.Made.ToArray();
        var withEntities = sources.Count(s => s.Tags.Any(t => t != Tag.OutsideText));
        return new AugmentationSummary(method, description, sources.Count, withEntities, sources.Count - withEntities, made.Length,
            byReason, outcome.Kept.Count, made.Sum(r => (long)r.MaskedSubwords), made.Sum(r => (long)r.KeptOriginal),
            made.Sum(r => (long)r.SkippedEntityWords), made.Sum(r => (long)r.Substitutions.Count), filter, types);
    }

    public static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.IdenticalToSource => "identical_to_source",
        DropReason.Duplicate => "duplicate",
        DropReason.NoValidCandidate => "no_valid_candidate",
        DropReason.Filter => "filter",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>Per type, each distinct entity string and how many times it occurs.</summary>
    private static Dictionary<string, Dictionary<string, int>> EntityStrings(IEnumerable<Sentence> sentences)
    {
        var result = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
        {
            foreach (var span in sentence.Entities())
            {
                if (!result.TryGetValue(span.Type, out var counts))
                    result[span.Type] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
                var text = string.Join(' ', sentence.Tokens.Skip(span.Start).Take(span.Length));
                counts[text] = counts.GetValueOrDefault(text) + 1;
            }
        }
        return result;
    }
}
