namespace Melm.Models.Data;

/// <summary>A sentence's place in its CoNLL file, for lossless writing.</summary>
/// <param name="LinesBefore">The raw lines between the previous sentence (or the file start) and this
/// one: blank lines, whitespace-only lines and -DOCSTART- lines, without line endings.</param>
/// <param name="Spacing">Per token line, its whitespace.</param>
public sealed record ConllLayout(IReadOnlyList<string> LinesBefore, IReadOnlyList<LineSpacing> Spacing);
