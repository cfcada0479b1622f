using Melm.Models.Augmentation;
using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>
/// What one work item produced. Rewrites that differ from their source are in Accepted (the filter
/// kept them) or Rejected (the filter refused them); each names its source sentence and round in
/// its Provenance. Rejected ones are kept because a later round's rewrite equal to one of them is a
/// duplicate, which only the whole run can tell. Dropped counts the rewrites left out before the
/// filter, by AugmentationSummary reason name; Counts are the item's generation figures.
/// </summary>
public sealed record ItemResult(IReadOnlyList<Sentence> Accepted, IReadOnlyList<Sentence> Rejected, IReadOnlyDictionary<string, int> Dropped, GenerationCounts Counts);
