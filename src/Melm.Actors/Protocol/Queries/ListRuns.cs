namespace Melm.Actors.Protocol.Queries;

/// <summary>Asks the runs manager for the ids of every run it owns, in registration order. Replied to with RunList.</summary>
public sealed record ListRuns : IMelmMessage;
