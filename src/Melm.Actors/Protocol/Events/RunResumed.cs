namespace Melm.Actors.Protocol.Events;

/// <summary>A failed run starts again once its cause is fixed: its items that are not completed go back in the queue, with fresh failure counts.</summary>
public sealed record RunResumed(string RunId) : IRunEvent;
