namespace Melm.Models.Runs;

/// <summary>The names of the stages a worker runs before a run's items (or as a job's whole work), as they appear in events, status and logs.</summary>
public static class StageNames
{
    public const string CodeMix = "code-mix";
    public const string FineTune = "fine-tune";
    public const string FilterTagger = "filter-tagger";

    /// <summary>A whole `melm experiment` cell, the one stage of a job run (RunSpec.IsJob).</summary>
    public const string ExperimentCell = "experiment-cell";
}
