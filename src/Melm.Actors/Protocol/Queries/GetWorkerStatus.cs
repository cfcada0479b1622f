namespace Melm.Actors.Protocol.Queries;

public sealed record GetWorkerStatus : IMelmMessage;
