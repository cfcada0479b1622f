namespace Melm.Actors.Protocol.Queries;

/// <summary>One worker's share of a run: items it completed, items it holds, and its rate since its first item.</summary>
public sealed record WorkerProgress(string WorkerId, int Done, int InFlight, double ItemsPerSecond);
