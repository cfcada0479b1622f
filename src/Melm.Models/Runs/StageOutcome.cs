namespace Melm.Models.Runs;

/// <summary>
/// What a stage left behind (the folders it wrote) and a line that says how it went; the code-mix
/// stage also gives the sentence ids of the corpus it wrote, the run's sentences from then on.
/// </summary>
public sealed record StageOutcome(IReadOnlyList<string> Artefacts, string Description, IReadOnlyList<string>? SentenceIds = null);
