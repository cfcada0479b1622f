namespace Melm.Actors.Protocol.Events;

/// <summary>
/// A stage of the run finished; Artefacts are the files it produced (for "write", the output files);
/// Note says how it went; SentenceIds are the corpus the code-mix stage wrote, the run's sentences from then on.
/// </summary>
public sealed record StageCompleted(string RunId, string Stage, IReadOnlyList<string> Artefacts, string? Note = null, IReadOnlyList<string>? SentenceIds = null) : IRunEvent;
