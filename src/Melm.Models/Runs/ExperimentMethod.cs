using Melm.Models.Augmentation;

namespace Melm.Models.Runs;

/// <summary>What the final tagger of a grid cell is trained on (paper 3.3).</summary>
public enum ExperimentMethod
{
    /// <summary>The gold sample alone; its tagger is also the consistency filter of the MELM methods.</summary>
    GoldOnly,

    /// <summary>Gold plus label-wise substitution (each mention replaced by a random same-type mention), R rounds, unfiltered as in the paper.</summary>
    Labelwise,

    /// <summary>Gold plus MELM rewrites that the gold tagger agrees with.</summary>
    Melm,

    /// <summary>Gold plus rewrites of MELM fine-tuned without markers, filtered.</summary>
    MelmNoMarkers,

    /// <summary>Gold plus rewrites of the pretrained MLM (no fine-tuning, no markers), filtered.</summary>
    MlmEntity,

    /// <summary>
    /// A diagnostic, not a method of the paper's: label-wise substitution that draws its mentions from
    /// the gold mentions of the language's whole train split, unfiltered. It is what rewrites with real,
    /// correctly typed new names (what MELM is meant to write) can buy this tagger at best; it reads
    /// labels beyond the N-sentence budget, so it is a ceiling to read MELM against, never a competitor.
    /// </summary>
    NamesCeiling,
}

public static class ExperimentMethods
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<ExperimentMethod>().Select(Name)];

    public static string Name(ExperimentMethod method) => method switch
    {
        ExperimentMethod.GoldOnly => "gold-only",
        ExperimentMethod.Labelwise => "label-wise",
        ExperimentMethod.Melm => "melm",
        ExperimentMethod.MelmNoMarkers => "melm-no-markers",
        ExperimentMethod.MlmEntity => "mlm-entity",
        ExperimentMethod.NamesCeiling => "names-ceiling",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static bool TryParse(string text, out ExperimentMethod method)
    {
        foreach (var candidate in Enum.GetValues<ExperimentMethod>())
        {
            if (string.Equals(Name(candidate), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                method = candidate;
                return true;
            }
        }
        method = default;
        return false;
    }

    /// <summary>Whether the method substitutes whole mentions (label-wise, and the names ceiling): unfiltered, written as one file.</summary>
    public static bool Substitutes(ExperimentMethod method) => method is ExperimentMethod.Labelwise or ExperimentMethod.NamesCeiling;

    /// <summary>The MELM generator behind a method, or null for the methods that do not generate.</summary>
    public static AugmentationMethod? Generator(ExperimentMethod method) => method switch
    {
        ExperimentMethod.Melm => AugmentationMethod.Melm,
        ExperimentMethod.MelmNoMarkers => AugmentationMethod.MelmNoMarkers,
        ExperimentMethod.MlmEntity => AugmentationMethod.MlmEntity,
        _ => null,
    };
}
