using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>The processor threw on an item: it goes back to the queue until it has failed too often.</summary>
public sealed record WorkFailed(string RunId, string WorkerId, ItemKey Key, string Reason) : IWithRunId;
