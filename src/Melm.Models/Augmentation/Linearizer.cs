namespace Melm.Models.Augmentation;

/// <summary>
/// Paper 2.1: a label marker before and after each entity token (`&lt;B-PER&gt; Peter &lt;B-PER&gt;`);
/// in multilingual runs a language marker before each entity token
/// (`&lt;es&gt; &lt;B-PER&gt; Peter &lt;B-PER&gt;`). With markers off (the "MELM without linearization"
/// baseline) the sentence is returned as plain words.
/// </summary>
public sealed class Linearizer(MarkerSet markers, bool withMarkers = true)
{
    private const string Outside = "O";

    public MarkerSet Markers => markers;

    public IReadOnlyList<LinearToken> Linearize(IReadOnlyList<string> words, IReadOnlyList<string> tags, string? language)
    {
        if (words.Count != tags.Count)
            throw new ArgumentException($"{words.Count} words but {tags.Count} tags.", nameof(tags));
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
                if (language is null || !markers.TryLanguageMarker(language, out var languageMarker))
                    throw new ArgumentException($"Language '{language ?? "(none)"}' has no marker in this run's marker set.", nameof(language));
                result.Add(new LinearToken(languageMarker, LinearTokenKind.LanguageMarker, -1, false));
            }
            result.Add(new LinearToken(marker, LinearTokenKind.LabelMarker, -1, false));
            result.Add(new LinearToken(words[i], LinearTokenKind.Word, i, true));
            result.Add(new LinearToken(marker, LinearTokenKind.LabelMarker, -1, false));
        }
        return result;
    }
}
