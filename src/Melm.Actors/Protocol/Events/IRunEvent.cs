namespace Melm.Actors.Protocol.Events;

/// <summary>An event in a run coordinator's journal.</summary>
public interface IRunEvent : IWithRunId;
