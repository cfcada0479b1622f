namespace Melm.Actors.Protocol.Queries;

/// <summary>The reply to a message about a run the manager does not know.</summary>
public sealed record RunNotFound(string RunId) : IWithRunId;
