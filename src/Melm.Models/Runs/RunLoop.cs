namespace Melm.Models.Runs;

/// <summary>
/// The direct loop: every item of a run in order, on the calling thread's processor, then the
/// assembled output. The actors produce the same bytes; this is the reference they are held to.
/// </summary>
public static class RunLoop
{
    public static async Task<AssembledRun> RunAsync(RunSpec spec, IWorkItemProcessor processor, CancellationToken cancellationToken = default)
    {
        spec.Validate();
        var results = new Dictionary<ItemKey, ItemResult>();
        foreach (var item in WorkPlan.Items(spec))
            results[item.Key] = await processor.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
        return RunOutput.Assemble(spec, results);
    }
}
