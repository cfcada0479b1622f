namespace Melm.Models.Pretraining;

/// <summary>A word of pretraining text as subword ids, and whether it reads like part of a name.</summary>
/// <param name="Ids">The word's SentencePiece ids.</param>
/// <param name="Salient">Capitalised and not the first word of its line: what salient-span masking prefers.</param>
public sealed record EncodedWord(IReadOnlyList<int> Ids, bool Salient);
