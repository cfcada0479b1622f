namespace Melm.Actors.Workers;

/// <summary>
/// How a model worker pulls work.
/// </summary>
/// <param name="WorkerId">Unique in the cluster, for example "node1/cuda:0".</param>
/// <param name="Capacity">Items the worker runs at once (the bound on its in-flight work).</param>
/// <param name="PollInterval">How often an idle worker asks again, so it finds runs that start later or items that come back.</param>
public sealed record WorkerSettings(string WorkerId, int Capacity, TimeSpan PollInterval);
