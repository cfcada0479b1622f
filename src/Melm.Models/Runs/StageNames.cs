namespace Melm.Models.Runs;

/// <summary>The names of the stages a worker runs before a run's items, as they appear in events, status and logs.</summary>
public static class StageNames
{
    public const string FineTune = "fine-tune";
    public const string FilterTagger = "filter-tagger";
}
