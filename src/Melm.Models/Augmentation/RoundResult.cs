namespace Melm.Models.Augmentation;

/// <summary>What one round over some sentences gave: the rewrites that passed, and those dropped with their reason.</summary>
/// <param name="Round">The round (1-based).</param>
/// <param name="Passed">Rewrites that differ from their source and passed the filter, in input order.</param>
/// <param name="Dropped">Rewrites identical to their source, without a valid candidate, or refused by the filter.</param>
public sealed record RoundResult(int Round, IReadOnlyList<Rewrite> Passed, IReadOnlyList<DroppedRewrite> Dropped);
