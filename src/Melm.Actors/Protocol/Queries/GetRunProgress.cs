namespace Melm.Actors.Protocol.Queries;

/// <summary>Asks a running coordinator for its run's status with per-worker throughput and an ETA. Replied to with RunProgress.</summary>
public sealed record GetRunProgress(string RunId) : IWithRunId;
