namespace Melm.Actors.Protocol.Queries;

public sealed record GetRunStatus(string RunId) : IWithRunId;
