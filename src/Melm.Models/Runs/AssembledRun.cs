using Melm.Models.Augmentation;
using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>A run's results put together: the kept rewrites in output order, the drops by reason, and the generation figures.</summary>
public sealed record AssembledRun(IReadOnlyList<Sentence> Kept, IReadOnlyDictionary<string, int> Dropped, GenerationCounts Counts);
