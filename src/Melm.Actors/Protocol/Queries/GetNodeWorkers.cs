namespace Melm.Actors.Protocol.Queries;

/// <summary>Asks a worker node's WorkerDirectory (/user/workers) for the status of each of its model workers.</summary>
public sealed record GetNodeWorkers : IMelmMessage;
