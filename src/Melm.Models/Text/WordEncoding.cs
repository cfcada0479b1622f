namespace Melm.Models.Text;

/// <summary>One pre-split word and the XLM-R pieces and ids it tokenizes to (never empty).</summary>
/// <param name="Word">The word as given.</param>
/// <param name="Pieces">Piece strings; an unknown span shows as "&lt;unk&gt;", an added token as itself.</param>
/// <param name="Ids">XLM-R ids, one per piece.</param>
public sealed record WordEncoding(string Word, IReadOnlyList<string> Pieces, IReadOnlyList<int> Ids);
