using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Benchmarks.Chaos;

/// <summary>A processor that reads this process's resident memory after each item it passes on: memory against items done.</summary>
public sealed class RssPerItem(IWorkItemProcessor inner) : IWorkItemProcessor
{
    private readonly List<long> _kb = [];

    /// <summary>Resident kB after item 1, 2, ...</summary>
    public IReadOnlyList<long> Kb => _kb;

    public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var result = await inner.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
        _kb.Add(NodeChild.RssKb(Environment.ProcessId) ?? 0);
        return result;
    }

    public Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken) =>
        inner.RunStageAsync(job, progress, cancellationToken);
}
