using Melm.Models.Diagnostics;
namespace Melm.Models.Runs;

/// <summary>
/// Runs one work item (generation and filtering for a shard and round) or a preparation stage. The direct loop and the
/// actors call the same implementation; it must depend only on the item, never on the caller.
/// </summary>
public interface IWorkItemProcessor
{
    Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken);

    /// <summary>Runs one of a run's preparation stages (StageRunner for the real processor), reporting its progress.</summary>
    Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken);
}
