using Melm.Models.Data;
using Melm.Models.Augmentation;

namespace Melm.Models.Baselines;

/// <summary>
/// The distinct mentions of a training set per (language, type). Each list is sorted by its words
/// (ordinal), so a draw by index names the same mention whatever order the sentences came in; a
/// mention that occurs several times is listed once, so choices are uniform over distinct mentions.
/// </summary>
public sealed class MentionInventory
{
    private readonly Dictionary<(string? Lang, string Type), IReadOnlyList<Mention>> _mentions;

    private MentionInventory(Dictionary<(string?, string), IReadOnlyList<Mention>> mentions) => _mentions = mentions;

    /// <summary>Every entity (conlleval reading) of every sentence.</summary>
    public static MentionInventory From(IEnumerable<Sentence> sentences)
    {
        var seen = new Dictionary<(string? Lang, string Type), Dictionary<string, Mention>>();
        foreach (var sentence in sentences)
        {
            foreach (var span in sentence.Entities())
            {
                var tokens = sentence.Tokens.Skip(span.Start).Take(span.Length).ToArray();
                var key = (sentence.Lang, span.Type);
                if (!seen.TryGetValue(key, out var byWords))
                    seen[key] = byWords = new Dictionary<string, Mention>(StringComparer.Ordinal);
                byWords.TryAdd(WordsKey(tokens), new Mention(sentence.Lang, span.Type, tokens, sentence.Id));
            }
        }
        return new MentionInventory(seen.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<Mention>)pair.Value.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Value).ToArray()));
    }

    /// <summary>The languages with at least one mention, sorted (null, for unknown, first).</summary>
    public IReadOnlyList<string?> Languages => _mentions.Keys.Select(k => k.Lang).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The types with at least one mention in <paramref name="lang"/>, sorted.</summary>
    public IReadOnlyList<string> TypesOf(string? lang) =>
        _mentions.Keys.Where(k => k.Lang == lang).Select(k => k.Type).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The distinct type-<paramref name="type"/> mentions of <paramref name="lang"/>, sorted by words; empty when none.</summary>
    public IReadOnlyList<Mention> Of(string? lang, string type) =>
        _mentions.TryGetValue((lang, type), out var mentions) ? mentions : [];

    /// <summary>Position of the mention with these words in <see cref="Of"/>, or -1.</summary>
    public int IndexOf(string? lang, string type, IReadOnlyList<string> tokens)
    {
        var mentions = Of(lang, type);
        var key = WordsKey(tokens);
        var (low, high) = (0, mentions.Count - 1);
        while (low <= high)
        {
            var mid = (low + high) / 2;
            var order = string.CompareOrdinal(WordsKey(mentions[mid].Tokens), key);
            if (order == 0)
                return mid;
            if (order < 0)
                low = mid + 1;
            else
                high = mid - 1;
        }
        return -1;
    }

    // U+001F (unit separator) never occurs inside a CoNLL token, so distinct word lists get distinct keys.
    private static string WordsKey(IReadOnlyList<string> tokens) => string.Join('\u001F', tokens);
}
