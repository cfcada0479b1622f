namespace Melm.Models.Runs;

/// <summary>What a stage left behind (the folders it wrote) and a line that says how it went.</summary>
public sealed record StageOutcome(IReadOnlyList<string> Artefacts, string Description);
