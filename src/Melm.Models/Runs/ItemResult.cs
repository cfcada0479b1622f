using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>
/// What one work item produced: the rewrites that passed the filter, each with its Provenance
/// (source sentence id and round), and how many rewrites the filter dropped.
/// </summary>
public sealed record ItemResult(IReadOnlyList<Sentence> Sentences, int Dropped);
