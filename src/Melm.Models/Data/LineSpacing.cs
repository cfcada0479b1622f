namespace Melm.Models.Data;

/// <summary>
/// The whitespace of one CoNLL token line: the runs between its columns and what trails the last
/// one. Kept so a file writes back byte for byte; lines with the same spacing share one instance.
/// </summary>
public sealed class LineSpacing
{
    public static readonly LineSpacing Tab = new(["\t"], "");

    public LineSpacing(IReadOnlyList<string> gaps, string trailing)
    {
        Gaps = gaps;
        Trailing = trailing;
    }

    /// <summary>Whitespace between column k and k+1; one fewer than the columns.</summary>
    public IReadOnlyList<string> Gaps { get; }

    /// <summary>Spaces or tabs after the last column (often empty).</summary>
    public string Trailing { get; }

    internal bool SameAs(ReadOnlySpan<string> gaps, string trailing)
    {
        if (gaps.Length != Gaps.Count || !string.Equals(trailing, Trailing, StringComparison.Ordinal))
            return false;
        for (var i = 0; i < gaps.Length; i++)
        {
            if (!string.Equals(gaps[i], Gaps[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}
