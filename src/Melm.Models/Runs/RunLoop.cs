namespace Melm.Models.Runs;

/// <summary>
/// The direct loop: every item of a run in order, on the calling thread's processor. The actors
/// produce the same results; RunOutput writes either into the same bytes.
/// </summary>
public static class RunLoop
{
    public static async Task<IReadOnlyDictionary<ItemKey, ItemResult>> RunAsync(RunSpec spec, IWorkItemProcessor processor, CancellationToken cancellationToken = default)
    {
        spec.Validate();
        var results = new Dictionary<ItemKey, ItemResult>();
        foreach (var item in WorkPlan.Items(spec))
            results[item.Key] = await processor.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
        return results;
    }
}
