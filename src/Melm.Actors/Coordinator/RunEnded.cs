namespace Melm.Actors.Coordinator;

/// <summary>A coordinator tells its parent that its run is finished (completed, cancelled or failed). Local only.</summary>
public sealed record RunEnded(string RunId, string Stage);
