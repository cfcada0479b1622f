namespace Melm.Actors.Protocol.Queries;

/// <summary>A worker node's model workers, one per device, as each answered; Missing names the ones that did not answer in time.</summary>
public sealed record NodeWorkers(IReadOnlyList<WorkerStatus> Workers, IReadOnlyList<string> Missing) : IMelmMessage;
