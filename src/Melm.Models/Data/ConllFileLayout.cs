namespace Melm.Models.Data;

/// <summary>What a CoNLL file had around its sentences, for lossless writing.</summary>
/// <param name="HasBom">The file began with a UTF-8 byte order mark.</param>
/// <param name="LineEnding">"\n" or "\r\n", as the file's first line ended (mixed endings are written this way).</param>
/// <param name="EndsWithNewline">The last line had a line ending.</param>
/// <param name="LinesAfter">Raw lines after the last sentence (usually one blank line).</param>
public sealed record ConllFileLayout(bool HasBom, string LineEnding, bool EndsWithNewline, IReadOnlyList<string> LinesAfter)
{
    /// <summary>How sentences are written when there is no file to copy: LF, no BOM, a blank line after every sentence.</summary>
    public static readonly ConllFileLayout Canonical = new(false, "\n", true, [""]);
}
