namespace Melm.Actors.Protocol.Queries;

public sealed record RunList(IReadOnlyList<string> RunIds) : IMelmMessage;
