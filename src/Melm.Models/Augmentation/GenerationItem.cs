using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>One unit of generation work: a source sentence and a round (1-based).</summary>
/// <param name="SourceIndex">The sentence's index in its input, for output order.</param>
public sealed record GenerationItem(Sentence Sentence, int SourceIndex, int Round);
