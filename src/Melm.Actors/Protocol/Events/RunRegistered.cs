namespace Melm.Actors.Protocol.Events;

/// <summary>The runs manager's journal: a run it owns, so a new manager (after failover) restarts its coordinator.</summary>
public sealed record RunRegistered(string RunId) : IWithRunId;
