namespace Melm.Models.Runs;

/// <summary>
/// Runs one work item (generation and filtering for a shard and round). The direct loop and the
/// actors call the same implementation; it must depend only on the item, never on the caller.
/// </summary>
public interface IWorkItemProcessor
{
    Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken);
}
