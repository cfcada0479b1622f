namespace Melm.Actors.Protocol.Events;

public sealed record RunCancelled(string RunId) : IRunEvent;
