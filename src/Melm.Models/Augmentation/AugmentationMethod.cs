namespace Melm.Models.Augmentation;

/// <summary>What makes the rewrites (MELM.md, baselines of section 3.3).</summary>
public enum AugmentationMethod
{
    /// <summary>MELM: fine-tuned on linearized sentences with label markers.</summary>
    Melm,

    /// <summary>MELM without linearization: fine-tuned on plain sentences (the paper's ablation).</summary>
    MelmNoMarkers,

    /// <summary>The pretrained MLM, no fine-tuning and no markers, same masking and sampling.</summary>
    MlmEntity,

    /// <summary>Each mention replaced by a random same-type mention of the training set; no model.</summary>
    Labelwise,

    /// <summary>No rewrites: the training set as it is.</summary>
    GoldOnly,
}

/// <summary>The command-line and provenance names of <see cref="AugmentationMethod"/>.</summary>
public static class AugmentationMethods
{
    public const string GoldOnlyName = "gold-only";

    public const string LabelwiseName = "label-wise";

    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<AugmentationMethod>().Select(Name)];

    public static string Name(AugmentationMethod method) => method switch
    {
        AugmentationMethod.Melm => "melm",
        AugmentationMethod.MelmNoMarkers => "melm-no-markers",
        AugmentationMethod.MlmEntity => "mlm-entity",
        AugmentationMethod.Labelwise => LabelwiseName,
        AugmentationMethod.GoldOnly => GoldOnlyName,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static bool TryParse(string text, out AugmentationMethod method)
    {
        foreach (var candidate in Enum.GetValues<AugmentationMethod>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                method = candidate;
                return true;
            }
        }
        method = default;
        return false;
    }

    /// <summary>Whether the method rewrites with a masked LM (and so needs one).</summary>
    public static bool UsesMaskedLm(AugmentationMethod method) =>
        method is AugmentationMethod.Melm or AugmentationMethod.MelmNoMarkers or AugmentationMethod.MlmEntity;

    /// <summary>Whether the method's model is fine-tuned first.</summary>
    public static bool IsFineTuned(AugmentationMethod method) => method is AugmentationMethod.Melm or AugmentationMethod.MelmNoMarkers;

    /// <summary>Whether the method linearizes with label (and language) markers.</summary>
    public static bool UsesMarkers(AugmentationMethod method) => method == AugmentationMethod.Melm;
}
