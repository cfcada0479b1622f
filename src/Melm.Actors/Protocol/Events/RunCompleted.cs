namespace Melm.Actors.Protocol.Events;

public sealed record RunCompleted(string RunId) : IRunEvent;
