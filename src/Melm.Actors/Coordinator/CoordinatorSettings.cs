namespace Melm.Actors.Coordinator;

/// <summary>
/// How a run coordinator manages its queue.
/// </summary>
/// <param name="LeaseTimeout">How long a worker may hold an item before it goes back to the queue; longer than the slowest item.</param>
/// <param name="LeaseCheckInterval">How often expired leases are looked for.</param>
/// <param name="SnapshotEvery">Events between snapshots, to keep recovery of long runs short.</param>
/// <param name="MaxItemFailures">How often one item may make a processor throw before the run fails.</param>
public sealed record CoordinatorSettings(TimeSpan LeaseTimeout, TimeSpan LeaseCheckInterval, int SnapshotEvery, int MaxItemFailures)
{
    public static CoordinatorSettings Default { get; } = new(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10), 100, 3);
}
