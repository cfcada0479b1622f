namespace Melm.Actors.Protocol.Commands;

/// <summary>
/// A worker asks for work: the coordinator hands out at most Capacity (the items the worker holds
/// at most, running and prefetched) minus the items it already leases to this worker, so in-flight
/// work stays bounded even when requests cross assignments.
/// </summary>
public sealed record RequestWork(string WorkerId, int Capacity) : IMelmMessage;
