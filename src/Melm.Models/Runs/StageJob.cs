namespace Melm.Models.Runs;

/// <summary>One preparation stage of a run, handed to one worker: the spec says what it reads and where it writes.</summary>
public sealed record StageJob(string RunId, string Stage, RunSpec Spec);
