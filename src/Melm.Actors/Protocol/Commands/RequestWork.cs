namespace Melm.Actors.Protocol.Commands;

/// <summary>
/// A worker asks for work: the coordinator hands out at most Capacity (the items the worker holds
/// at most, running and prefetched) minus the items it already leases to this worker, so in-flight
/// work stays bounded even when requests cross assignments.
/// Only an idle worker (nothing running or waiting) is given a preparation stage, which takes its device whole.
/// </summary>
public sealed record RequestWork(string WorkerId, int Capacity, bool Idle = false) : IMelmMessage;
