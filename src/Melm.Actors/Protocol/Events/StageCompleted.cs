namespace Melm.Actors.Protocol.Events;

/// <summary>A stage of the run finished; Artefacts are the files it produced (for "write", the output files).</summary>
public sealed record StageCompleted(string RunId, string Stage, IReadOnlyList<string> Artefacts) : IRunEvent;
