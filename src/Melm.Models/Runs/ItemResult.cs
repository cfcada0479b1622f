using Melm.Models.Augmentation;

namespace Melm.Models.Runs;

/// <summary>
/// What one work item produced: its round over the shard's sentences (AugmentationRound.Run: the
/// rewrites that passed, and those dropped with their reason before or by the filter), and the
/// rewriter's description for the run's summary. Repeats of earlier rounds are only told apart
/// when the whole run is combined (AugmentationRun.Combine).
/// </summary>
public sealed record ItemResult(RoundResult Round, string Description);
