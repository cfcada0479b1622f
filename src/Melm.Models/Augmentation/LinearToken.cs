namespace Melm.Models.Augmentation;

public enum LinearTokenKind
{
    Word,
    LabelMarker,
    LanguageMarker,
}

/// <summary>One token of a linearized sentence.</summary>
/// <param name="Text">The word, or the marker token.</param>
/// <param name="Kind">Word or marker.</param>
/// <param name="WordIndex">For words, the index in the source sentence; -1 for markers.</param>
/// <param name="IsEntity">For words, whether the source tag is not O.</param>
public sealed record LinearToken(string Text, LinearTokenKind Kind, int WordIndex, bool IsEntity);
