namespace Melm.Actors.Protocol.Commands;

/// <summary>Stops a run for good: no more items are handed out and late results are ignored. Replied to with RunStatus.</summary>
public sealed record CancelRun(string RunId) : IWithRunId;
