using Melm.Testing;
using System.Collections.Concurrent;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Tests.Support;

/// <summary>
/// The product's model-free UpperCaseProcessor with a count of the items it ran and an optional
/// hook before each item (to hold items in flight, fail them or count them).
/// </summary>
public sealed class CountingProcessor(Func<WorkItem, int, CancellationToken, Task>? beforeItem = null) : IWorkItemProcessor
{
    private readonly UpperCaseProcessor _inner = new(TimeSpan.Zero);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentBag<ItemKey> Processed { get; } = [];

    public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (beforeItem is not null)
            await beforeItem(item, call, cancellationToken);
        var result = await _inner.ProcessAsync(item, cancellationToken);
        Processed.Add(item.Key);
        return result;
    }

    public ConcurrentBag<string> Stages { get; } = [];

    public async Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
    {
        var outcome = await _inner.RunStageAsync(job, progress, cancellationToken);
        Stages.Add(job.Stage);
        return outcome;
    }
}
