namespace Melm.Actors.Protocol.Events;

/// <summary>The run stopped on an error that a retry does not cure (an item that kept failing).</summary>
public sealed record RunFailed(string RunId, string Reason) : IRunEvent;
