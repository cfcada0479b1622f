using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>A method's decision for one entity of a source sentence: the mention to put there.</summary>
public sealed record MentionChoice(EntitySpan Original, Mention Substitute, string Choice, double? Similarity = null);
