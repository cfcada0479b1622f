using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>A worker's result for one item; a late duplicate for an item already completed is ignored.</summary>
public sealed record WorkCompleted(string RunId, string WorkerId, ItemKey Key, ItemResult Result) : IWithRunId;
