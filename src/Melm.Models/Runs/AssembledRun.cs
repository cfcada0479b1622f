using Melm.Models.Augmentation;

namespace Melm.Models.Runs;

/// <summary>A run's item results combined: every rewrite, kept or dropped with its reason, in (source sentence, round) order, and the rewriter's description.</summary>
public sealed record AssembledRun(AugmentationOutcome Outcome, string Description);
