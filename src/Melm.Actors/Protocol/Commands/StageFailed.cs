namespace Melm.Actors.Protocol.Commands;

/// <summary>The processor threw on a stage: it is offered again until it has failed too often.</summary>
public sealed record StageFailed(string RunId, string WorkerId, string Stage, string Reason) : IWithRunId;
