using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>One mention of a source sentence replaced in a rewrite.</summary>
/// <param name="Original">The entity in the source sentence.</param>
/// <param name="Replaced">Where the substitute sits in the rewritten sentence (its length is the substitute's).</param>
/// <param name="OriginalTokens">The words that were replaced.</param>
/// <param name="Substitute">The mention put in their place, with its language and donor sentence.</param>
/// <param name="Choice">How it was chosen: <see cref="Choices"/>.</param>
/// <param name="Similarity">Cosine similarity to the original for a nearest-neighbour choice; null otherwise.</param>
public sealed record Substitution(
    EntitySpan Original,
    EntitySpan Replaced,
    IReadOnlyList<string> OriginalTokens,
    Mention Substitute,
    string Choice,
    double? Similarity = null);

/// <summary>The values of <see cref="Substitution.Choice"/>.</summary>
public static class Choices
{
    public const string Random = "random";
    public const string Nearest = "nearest";

    /// <summary>Nearest-neighbour code-mixing fell back to a random mention: the original has no vector (none of its words is known).</summary>
    public const string RandomSourceWithoutVector = "random (original mention has no vector)";

    /// <summary>Nearest-neighbour code-mixing fell back to a random mention: no type-y mention of the target language has a vector.</summary>
    public const string RandomTargetsWithoutVector = "random (no target mention has a vector)";
}
