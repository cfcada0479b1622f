namespace Melm.Models.Data;

/// <summary>Where an augmented sentence came from.</summary>
/// <param name="SourceId">Id of the gold sentence it rewrites.</param>
/// <param name="Round">Augmentation round (1-based for MELM's R rounds).</param>
/// <param name="Method">What made it, e.g. "melm", "code-mix", "label-wise".</param>
public sealed record Provenance(string SourceId, int Round, string Method);
