using Melm.Models.Runs;

namespace Melm.Actors.Coordinator;

/// <summary>The names of a run's stages as they appear in events and status.</summary>
public static class RunStages
{
    public const string NotStarted = "not-started";
    public const string CodeMix = StageNames.CodeMix;
    public const string FilterTagger = StageNames.FilterTagger;
    public const string FineTune = StageNames.FineTune;
    public const string ExperimentCell = StageNames.ExperimentCell;
    public const string Generate = "generate";
    public const string Write = "write";

    /// <summary>Status only, never in the journal: the write stage while its files are being written.</summary>
    public const string Writing = "writing";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
}
