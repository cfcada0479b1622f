namespace Melm.Models.Pretraining;

/// <summary>One sentence of pretraining text: its words and where it came from (for messages and the holdout draw).</summary>
/// <param name="Tags">A CoNLL line's tags, used only to score held-out entity words (never to train); null for plain text.</param>
public sealed record TextLine(string Source, int Line, IReadOnlyList<string> Words, IReadOnlyList<string>? Tags = null);
