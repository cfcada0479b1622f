namespace Melm.Models.Augmentation;

/// <summary>
/// What makes the rewrites (MELM.md, baselines of section 3.3), and what the final tagger of an
/// experiment cell is trained on (paper 3.3): the same methods, plus the names ceiling, which only
/// experiments run (<see cref="AugmentationMethods.IsAugmentation"/>). The values are those the
/// experiment's settings have always been written with.
/// </summary>
public enum AugmentationMethod
{
    /// <summary>No rewrites: the training set as it is. Its tagger is also the consistency filter of an experiment's MELM methods.</summary>
    GoldOnly = 0,

    /// <summary>Each mention replaced by a random same-type mention of the training set; no model (unfiltered in experiments, as in the paper).</summary>
    Labelwise = 1,

    /// <summary>MELM: fine-tuned on linearized sentences with label markers.</summary>
    Melm = 2,

    /// <summary>MELM without linearization: fine-tuned on plain sentences (the paper's ablation).</summary>
    MelmNoMarkers = 3,

    /// <summary>The pretrained MLM, no fine-tuning and no markers, same masking and sampling.</summary>
    MlmEntity = 4,

    /// <summary>
    /// A diagnostic of experiments, not a method of the paper's nor one `melm augment` runs: label-wise
    /// substitution that draws its mentions from the gold mentions of the language's whole train split,
    /// unfiltered. It is what rewrites with real, correctly typed new names (what MELM is meant to write)
    /// can buy this tagger at best; it reads labels beyond the N-sentence budget, so it is a ceiling to
    /// read MELM against, never a competitor.
    /// </summary>
    NamesCeiling = 5,
}

/// <summary>The command-line, grid-file and provenance names of <see cref="AugmentationMethod"/>.</summary>
public static class AugmentationMethods
{
    public const string GoldOnlyName = "gold-only";

    public const string LabelwiseName = "label-wise";

    /// <summary>The methods that augment (`melm augment --method`, runs), in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. new[] { AugmentationMethod.Melm, AugmentationMethod.MelmNoMarkers, AugmentationMethod.MlmEntity, AugmentationMethod.Labelwise, AugmentationMethod.GoldOnly }.Select(Name)];

    /// <summary>The methods an experiment runs (`melm experiment --methods`, grid files): every one, the names ceiling included.</summary>
    public static IReadOnlyList<string> ExperimentNames { get; } = [.. Enum.GetValues<AugmentationMethod>().Select(Name)];

    public static string Name(AugmentationMethod method) => method switch
    {
        AugmentationMethod.Melm => "melm",
        AugmentationMethod.MelmNoMarkers => "melm-no-markers",
        AugmentationMethod.MlmEntity => "mlm-entity",
        AugmentationMethod.Labelwise => LabelwiseName,
        AugmentationMethod.GoldOnly => GoldOnlyName,
        AugmentationMethod.NamesCeiling => "names-ceiling",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>A method that augments, by name; the names ceiling is not one.</summary>
    public static bool TryParse(string text, out AugmentationMethod method) =>
        TryParse(text, out method, Names);

    /// <summary>A method an experiment runs, by name (surrounding spaces allowed, as in comma-separated lists).</summary>
    public static bool TryParseExperiment(string text, out AugmentationMethod method) =>
        TryParse(text.Trim(), out method, ExperimentNames);

    private static bool TryParse(string text, out AugmentationMethod method, IReadOnlyList<string> names)
    {
        foreach (var candidate in Enum.GetValues<AugmentationMethod>())
        {
            if (names.Contains(Name(candidate)) && string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                method = candidate;
                return true;
            }
        }
        method = default;
        return false;
    }

    /// <summary>Whether the method augments a training set (every one but the names ceiling, an experiment-only diagnostic).</summary>
    public static bool IsAugmentation(AugmentationMethod method) => method != AugmentationMethod.NamesCeiling;

    /// <summary>Whether the method rewrites with a masked LM (and so needs one).</summary>
    public static bool UsesMaskedLm(AugmentationMethod method) =>
        method is AugmentationMethod.Melm or AugmentationMethod.MelmNoMarkers or AugmentationMethod.MlmEntity;

    /// <summary>Whether the method's model is fine-tuned first.</summary>
    public static bool IsFineTuned(AugmentationMethod method) => method is AugmentationMethod.Melm or AugmentationMethod.MelmNoMarkers;

    /// <summary>Whether the method linearizes with label (and language) markers.</summary>
    public static bool UsesMarkers(AugmentationMethod method) => method == AugmentationMethod.Melm;

    /// <summary>Whether the method substitutes whole mentions (label-wise, and the names ceiling): in experiments unfiltered, written as one file.</summary>
    public static bool Substitutes(AugmentationMethod method) => method is AugmentationMethod.Labelwise or AugmentationMethod.NamesCeiling;
}
