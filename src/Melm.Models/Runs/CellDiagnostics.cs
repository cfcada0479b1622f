using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>A cross-lingual score: a tagger of the cell's language scored zero-shot on another language's test set.</summary>
public sealed record TargetScore(string Language, int TestSentences, double Precision, double Recall, double F1);

/// <summary>One kept rewrite beside its source, as "entity words before -> after".</summary>
public sealed record RewriteExample(string SourceId, string Before, string After);

/// <summary>
/// Why an augmentation method's number is what it is: how many rewrites it made and kept, whether
/// the entity words it wrote are words of the language at all, how well the fine-tuned MELM
/// predicts masked entity subwords of the dev sample, and a few rewrites to read.
/// </summary>
/// <param name="RewritesMade">Rewrites attempted (label-wise: the rewrites written, it is unfiltered).</param>
/// <param name="Kept">Rewrites kept by the filter.</param>
/// <param name="NewEntityWords">Entity words in the kept rewrites that no gold entity of the sample has.</param>
/// <param name="NewEntityWordsInTrainText">Of those, how many occur anywhere in the language's train text (its unlabelled words): real words rather than invented strings.</param>
/// <param name="MelmDevAccuracy">The fine-tuned model's accuracy on the dev sample's masked entity subwords at its best epoch; null for methods that do not fine-tune.</param>
/// <param name="NewEntities">Distinct (mention, type) pairs in the kept rewrites that the gold sample does not have (paper Figure 4); null where not counted.</param>
/// <param name="ValidNewEntities">Of those, the ones the oracle tagger (trained on the full gold train split) tags exactly as intended somewhere; null without an oracle.</param>
public sealed record CellDiagnostics(
    int RewritesMade,
    int Kept,
    int NewEntityWords,
    int NewEntityWordsInTrainText,
    double? MelmDevAccuracy,
    IReadOnlyList<RewriteExample> Examples,
    int? NewEntities = null,
    int? ValidNewEntities = null)
{
    /// <summary>
    /// Paper Figure 4's count: the distinct new (mention, type) pairs of <paramref name="kept"/> and
    /// those of them that the oracle's tags (<paramref name="oracleTags"/>, one list per kept sentence)
    /// give exactly, with nothing of the type running on after the mention.
    /// </summary>
    public static (int New, int Valid) ValidEntities(IReadOnlyList<Sentence> kept, IReadOnlyList<IReadOnlyList<string>> oracleTags, IReadOnlyList<Sentence> gold)
    {
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(oracleTags);
        ArgumentNullException.ThrowIfNull(gold);
        var known = gold.SelectMany(MentionsOf).ToHashSet();
        var fresh = new HashSet<(string, string)>();
        var valid = new HashSet<(string, string)>();
        for (var i = 0; i < kept.Count; i++)
        {
            var sentence = kept[i];
            var predicted = Models.Data.EntitySpans.Read(oracleTags[i]).ToHashSet();
            foreach (var span in sentence.Entities())
            {
                var mention = (string.Join(' ', sentence.Tokens.Skip(span.Start).Take(span.Length)), span.Type);
                if (known.Contains(mention))
                    continue;
                fresh.Add(mention);
                if (predicted.Contains(span))
                    valid.Add(mention);
            }
        }
        return (fresh.Count, valid.Count);
    }

    private static IEnumerable<(string, string)> MentionsOf(Sentence sentence) =>
        sentence.Entities().Select(e => (string.Join(' ', sentence.Tokens.Skip(e.Start).Take(e.Length)), e.Type));

    /// <summary>Share of the new entity words that are words of the train text; null without any.</summary>
    public double? InTrainTextShare => NewEntityWords > 0 ? (double)NewEntityWordsInTrainText / NewEntityWords : null;

    /// <summary>The diagnostics of kept rewrites of <paramref name="gold"/>, judged against the language's train text.</summary>
    public static CellDiagnostics Of(int made, IReadOnlyList<Sentence> kept, IReadOnlyList<Sentence> gold, IReadOnlySet<string> trainWords,
        double? melmDevAccuracy, int examples = 3)
    {
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(gold);
        var goldEntityWords = gold.SelectMany(EntityWords).ToHashSet(StringComparer.Ordinal);
        var newWords = kept.SelectMany(EntityWords).Where(w => !goldEntityWords.Contains(w)).ToArray();
        var byId = gold.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var shown = kept.Where(s => s.Provenance is not null && byId.ContainsKey(s.Provenance.SourceId)).Take(examples)
            .Select(s => new RewriteExample(s.Provenance!.SourceId, Mentions(byId[s.Provenance.SourceId]), Mentions(s))).ToArray();
        return new CellDiagnostics(made, kept.Count, newWords.Length, newWords.Count(trainWords.Contains), melmDevAccuracy, shown);
    }

    private static IEnumerable<string> EntityWords(Sentence sentence) =>
        sentence.Entities().SelectMany(e => sentence.Tokens.Skip(e.Start).Take(e.Length));

    /// <summary>"Germany/LOC, Bonn/LOC": the sentence's mentions with their types.</summary>
    private static string Mentions(Sentence sentence) =>
        string.Join(", ", sentence.Entities().Select(e => $"{string.Join(' ', sentence.Tokens.Skip(e.Start).Take(e.Length))}/{e.Type}"));
}
