namespace Melm.Actors.Workers;

/// <summary>
/// How a model worker pulls work.
/// </summary>
/// <param name="WorkerId">Unique in the cluster, for example "node1/cuda:0".</param>
/// <param name="Capacity">Items the worker runs at once.</param>
/// <param name="PollInterval">How often an idle worker asks again, so it finds runs that start later or items that come back.</param>
/// <param name="Prefetch">
/// Items the worker holds beyond those it runs, so the next one is already here when one finishes
/// instead of waiting a round trip to the coordinator. Capacity + Prefetch bounds its in-flight
/// work. A prefetched item's lease runs while it waits, so the coordinator's lease timeout must
/// cover that wait as well as the item.
/// </param>
public sealed record WorkerSettings(string WorkerId, int Capacity, TimeSpan PollInterval, int Prefetch)
{
    /// <summary>Items the worker holds at most, running and waiting: what it asks the coordinator to fill.</summary>
    public int MaxHeld => Capacity + Prefetch;
}
