using Melm.Models.Data;

namespace Melm.Models.Baselines;

/// <summary>
/// Gathers a method's rewrites of one training set and counts what happened to every item: a
/// rewrite identical to its source, or to an earlier round of the same source, is counted and left out.
/// </summary>
public sealed class RewriteCollector(string method)
{
    private readonly List<AugmentedSentence> _rewrites = [];
    private readonly Dictionary<string, int> _sentenceCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _mentionCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _seenBySource = new(StringComparer.Ordinal);

    public string Method => method;

    public void CountSentence(string reason, int times = 1) => Add(_sentenceCounts, reason, times);

    public void CountMention(string reason) => Add(_mentionCounts, reason, 1);

    /// <summary>Keeps the rewrite unless it repeats its source or an earlier rewrite of it; returns whether it was kept.</summary>
    public bool Offer(Sentence source, AugmentedSentence rewrite)
    {
        var key = Key(rewrite.Sentence);
        if (key == Key(source))
        {
            CountSentence(Reasons.IdenticalToSource);
            return false;
        }
        if (!_seenBySource.TryGetValue(source.Id, out var seen))
            _seenBySource[source.Id] = seen = new HashSet<string>(StringComparer.Ordinal);
        if (!seen.Add(key))
        {
            CountSentence(Reasons.DuplicateOfEarlierRound);
            return false;
        }
        CountSentence(Reasons.Rewritten);
        _rewrites.Add(rewrite);
        return true;
    }

    public AugmentationResult Result(string description) =>
        new(method, description, _rewrites.ToArray(),
            new SortedDictionary<string, int>(_sentenceCounts, StringComparer.Ordinal),
            new SortedDictionary<string, int>(_mentionCounts, StringComparer.Ordinal));

    private static void Add(Dictionary<string, int> counts, string reason, int times) =>
        counts[reason] = counts.GetValueOrDefault(reason) + times;

    // Tags matter too: the same words with other labels are a different training example.
    private static string Key(Sentence sentence) =>
        string.Join('\u001F', sentence.Tokens) + '\u001E' + string.Join('\u001F', sentence.Tags);
}
