namespace Melm.Models.Pretraining;

/// <summary>One sentence of pretraining text: its words and where it came from (for messages and the holdout draw).</summary>
public sealed record TextLine(string Source, int Line, IReadOnlyList<string> Words);
