namespace Melm.Models.Augmentation;

/// <summary>
/// The marker tokens of a run: one per entity tag (`&lt;B-PER&gt;`) and, in multilingual runs, one per
/// language (`&lt;es&gt;`), with the words whose embeddings initialise each marker's row.
/// </summary>
public sealed class MarkerSet
{
    /// <summary>The paper's initialisation words for CoNLL's types; other types use their own name.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultTypeWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PER"] = "person",
        ["ORG"] = "organization",
        ["LOC"] = "location",
        ["MISC"] = "miscellaneous",
    };

    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "English", ["de"] = "German", ["es"] = "Spanish", ["nl"] = "Dutch", ["fr"] = "French",
        ["it"] = "Italian", ["pt"] = "Portuguese", ["zh"] = "Chinese", ["ar"] = "Arabic", ["ru"] = "Russian",
    };

    private readonly Dictionary<string, string> _tagMarkers;
    private readonly Dictionary<string, string> _languageMarkers;
    private readonly Dictionary<string, IReadOnlyList<string>> _initWords = new(StringComparer.Ordinal);

    /// <param name="entityTags">Every non-O tag of the data (for example B-PER, I-PER).</param>
    /// <param name="entityTypeOf">The entity type of a tag (B-PER -> PER), from the data's tag scheme.</param>
    /// <param name="languages">The run's languages; empty for monolingual runs (no language markers).</param>
    /// <param name="typeWords">Overrides of the initialisation word per entity type.</param>
    public MarkerSet(
        IEnumerable<string> entityTags,
        Func<string, string> entityTypeOf,
        IEnumerable<string> languages,
        IReadOnlyDictionary<string, string>? typeWords = null)
    {
        _tagMarkers = entityTags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .ToDictionary(tag => tag, tag => $"<{tag}>", StringComparer.Ordinal);
        foreach (var (tag, marker) in _tagMarkers)
        {
            var type = entityTypeOf(tag);
            var word = typeWords?.GetValueOrDefault(type) ?? DefaultTypeWords.GetValueOrDefault(type) ?? type;
            _initWords[marker] = SplitName(word);
        }
        _languageMarkers = languages.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .ToDictionary(lang => lang, lang => $"<{lang}>", StringComparer.Ordinal);
        foreach (var (lang, marker) in _languageMarkers)
            _initWords[marker] = [LanguageNames.GetValueOrDefault(lang) ?? lang];
    }

    public bool IsMultilingual => _languageMarkers.Count > 0;

    /// <summary>All marker tokens, label markers first, each once, in a fixed order.</summary>
    public IReadOnlyList<string> AllMarkers => [.. _tagMarkers.Values, .. _languageMarkers.Values];

    /// <summary>The words whose embeddings are averaged into the marker's initial row.</summary>
    public IReadOnlyList<string> InitialisationWords(string marker) => _initWords[marker];

    public bool IsMarker(string token) => _initWords.ContainsKey(token);

    /// <summary>The marker of an entity tag; unknown tags are bad input for a fine-tuned model.</summary>
    public bool TryTagMarker(string tag, out string marker) => _tagMarkers.TryGetValue(tag, out marker!);

    public bool TryLanguageMarker(string language, out string marker) => _languageMarkers.TryGetValue(language, out marker!);

    private static string[] SplitName(string name) =>
        name.Split(['_', '-', ' '], StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToLowerInvariant()).ToArray();
}
