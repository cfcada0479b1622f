namespace Melm.Models.Augmentation;

/// <summary>
/// A linearized sentence as subwords, without the begin and end tokens (windows add them). Per
/// subword: its id, the source word it belongs to (-1 for markers), and what masking and candidate
/// filtering need to know.
/// </summary>
/// <param name="Ids">Subword ids; a marker is one added id.</param>
/// <param name="WordIndex">Source word of each subword, -1 for markers.</param>
/// <param name="IsEntity">The subword belongs to an entity word.</param>
/// <param name="IsWordStart">The subword begins its word.</param>
/// <param name="IsOnlySubword">The subword is its word's only one.</param>
/// <param name="SubwordsPerToken">Subwords of each linear token, in order (for windows).</param>
public sealed record MelmEncoding(
    IReadOnlyList<int> Ids,
    IReadOnlyList<int> WordIndex,
    IReadOnlyList<bool> IsEntity,
    IReadOnlyList<bool> IsWordStart,
    IReadOnlyList<bool> IsOnlySubword,
    IReadOnlyList<int> SubwordsPerToken)
{
    public int Length => Ids.Count;
}
