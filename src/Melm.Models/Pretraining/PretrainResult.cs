namespace Melm.Models.Pretraining;

/// <summary>The report, and whether the run had already finished before this invocation (nothing was trained).</summary>
public sealed record PretrainResult(PretrainReport Report, bool AlreadyFinished);
