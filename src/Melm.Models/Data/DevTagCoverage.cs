namespace Melm.Models.Data;

/// <summary>
/// The entity tags a model trained on a training set and scored on a dev set needs (MELM's markers,
/// the filter tagger's labels) when the dev set has tags the training set lacks: a small sample may
/// miss a type, or a prefix of one, that its dev sample has.
/// </summary>
public static class DevTagCoverage
{
    /// <summary>
    /// The training data's entity tags and, for each type with a <paramref name="dev"/> tag the training
    /// data lacks (a type it lacks altogether, or one of its prefixes), every tag of that type in the
    /// data's scheme (B-/I-, and E-/S- in BIOES), in ordinal order. When the training data has every dev
    /// tag, the result is its tags alone, as before dev was looked at: the same markers and labels, so
    /// the same outputs (an added marker or label grows the softmax a model trains over).
    /// </summary>
    public static IReadOnlyList<string> Tags(IReadOnlyList<Sentence> training, IReadOnlyList<Sentence>? dev)
    {
        var trained = EntityTags(training);
        var uncoveredTypes = UncoveredTypes(trained, dev ?? []).Select(t => t.Type).ToArray();
        if (uncoveredTypes.Length == 0)
            return [.. trained.Order(StringComparer.Ordinal)];
        var scheme = TagSchemes.Detect([.. training.Select(s => s.Tags), .. dev!.Select(s => s.Tags)]);
        return [.. trained.Concat(uncoveredTypes.SelectMany(type => TagSchemes.TagsOf(type, scheme))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// One line per entity type with <paramref name="dev"/> tags the training data lacks: the type, how
    /// many dev tokens carry those tags and the tags the type gets (<see cref="Tags"/>); empty when the
    /// training data covers the dev data.
    /// </summary>
    public static IReadOnlyList<string> Notes(IReadOnlyList<Sentence> training, IReadOnlyList<Sentence> dev, string devSource)
    {
        var trained = EntityTags(training);
        var trainedTypes = trained.Select(t => Tag.Parse(t).Type).ToHashSet(StringComparer.Ordinal);
        var all = Tags(training, dev);
        return UncoveredTypes(trained, dev)
            .Select(u =>
            {
                var what = trainedTypes.Contains(u.Type)
                    ? $"{u.Tokens} dev tokens are tagged {string.Join(", ", u.Tags)}, which the training data lacks"
                    : $"{u.Tokens} dev tokens ({string.Join(", ", u.Tags)}) have this type, which the training data lacks altogether";
                var tags = string.Join(", ", all.Where(t => Tag.Parse(t).Type == u.Type));
                return $"{devSource}: entity type {u.Type}: {what}; the run gives it every tag of the scheme ({tags}) and counts these tokens on dev, but no training sentence teaches them";
            })
            .ToArray();
    }

    private static HashSet<string> EntityTags(IReadOnlyList<Sentence> sentences) =>
        sentences.SelectMany(s => s.Tags).Where(t => t != Tag.OutsideText).ToHashSet(StringComparer.Ordinal);

    /// <summary>The types with dev tags outside <paramref name="trained"/>, in ordinal order, with those tags and how many tokens carry them.</summary>
    private static IEnumerable<(string Type, string[] Tags, int Tokens)> UncoveredTypes(HashSet<string> trained, IReadOnlyList<Sentence> dev) =>
        dev.SelectMany(s => s.Tags).Where(t => t != Tag.OutsideText && !trained.Contains(t))
            .GroupBy(t => Tag.Parse(t).Type, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), g.Count()));
}
