namespace Melm.Models.Ner;

/// <summary>
/// One encoder input of a sentence: &lt;s&gt;, the subwords of tokens [Start, End), &lt;/s&gt;; and, for
/// each core token [CoreStart, CoreEnd), the position of its first subword, where its label is read.
/// </summary>
public sealed record TaggerWindow(IReadOnlyList<int> InputIds, int CoreStart, IReadOnlyList<int> CorePositions);
