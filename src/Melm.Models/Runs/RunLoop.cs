using Melm.Models.Diagnostics;
namespace Melm.Models.Runs;

/// <summary>
/// The direct loop: the run's preparation stages, then every item in order, on one processor. It is no
/// way to run a run (the actors drive a run's items, `melm augment` included, on a one-node cluster):
/// it is the pipeline benchmark's baseline and the reference output of the cluster tests and the chaos
/// soak, and it is the same code as the actors' (the processor, StageRunner, WorkPlan), so RunOutput
/// writes either into the same bytes.
/// </summary>
public static class RunLoop
{
    public static async Task<IReadOnlyDictionary<ItemKey, ItemResult>> RunAsync(RunSpec spec, IWorkItemProcessor processor, CancellationToken cancellationToken = default)
    {
        spec.Validate();
        foreach (var stage in spec.Preparation?.Stages ?? [])
            await processor.RunStageAsync(new StageJob(spec.RunId, stage, spec), NoProgress.Instance, cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<ItemKey, ItemResult>();
        foreach (var item in WorkPlan.Items(spec))
            results[item.Key] = await processor.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
        return results;
    }
}
