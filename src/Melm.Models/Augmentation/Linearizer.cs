namespace Melm.Models.Augmentation;

/// <summary>
/// Paper 2.1: a label marker before and after each entity token (`&lt;B-PER&gt; Peter &lt;B-PER&gt;`);
/// in multilingual runs a language marker before each entity token
/// (`&lt;es&gt; &lt;B-PER&gt; Peter &lt;B-PER&gt;`), the language of that token: in a code-mixed sentence an
/// entity brought from another language gets that language's marker. With markers off (the "MELM without linearization"
/// baseline) the sentence is returned as plain words.
/// </summary>
public sealed class Linearizer(MarkerSet markers, bool withMarkers = true)
{
    private const string Outside = "O";

    public MarkerSet Markers => markers;

    /// <summary>A sentence whose words are all in <paramref name="language"/>.</summary>
    public IReadOnlyList<LinearToken> Linearize(IReadOnlyList<string> words, IReadOnlyList<string> tags, string? language) =>
        Linearize(words, tags, Enumerable.Repeat(language, words.Count).ToArray());

    /// <summary>A sentence with one language per word (a code-mixed sentence).</summary>
    public IReadOnlyList<LinearToken> Linearize(IReadOnlyList<string> words, IReadOnlyList<string> tags, IReadOnlyList<string?> languages)
    {
        if (words.Count != tags.Count)
            throw new ArgumentException($"{words.Count} words but {tags.Count} tags.", nameof(tags));
        if (words.Count != languages.Count)
            throw new ArgumentException($"{words.Count} words but {languages.Count} languages.", nameof(languages));
        var result = new List<LinearToken>(words.Count * 2);
        for (var i = 0; i < words.Count; i++)
        {
            var tag = tags[i];
            var isEntity = tag != Outside;
            if (!isEntity || !withMarkers)
            {
                result.Add(new LinearToken(words[i], LinearTokenKind.Word, i, isEntity));
                continue;
            }
            if (!markers.TryTagMarker(tag, out var marker))
                throw new ArgumentException($"Tag '{tag}' has no marker in this run's marker set.", nameof(tags));
            if (markers.IsMultilingual)
            {
                var language = languages[i];
                if (language is null || !markers.TryLanguageMarker(language, out var languageMarker))
                    throw new ArgumentException($"Language '{language ?? "(none)"}' has no marker in this run's marker set.", nameof(languages));
                result.Add(new LinearToken(languageMarker, LinearTokenKind.LanguageMarker, -1, false));
            }
            result.Add(new LinearToken(marker, LinearTokenKind.LabelMarker, -1, false));
            result.Add(new LinearToken(words[i], LinearTokenKind.Word, i, true));
            result.Add(new LinearToken(marker, LinearTokenKind.LabelMarker, -1, false));
        }
        return result;
    }
}
