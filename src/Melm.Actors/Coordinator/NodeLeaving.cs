namespace Melm.Actors.Coordinator;

/// <summary>
/// The runs manager tells its run coordinators that a node is leaving the cluster (melm cluster
/// leave, or stopped with Ctrl+C / SIGTERM): the work held by its workers ("host:port/device")
/// goes back to the queue at once, not once the node is gone. Local only.
/// </summary>
public sealed record NodeLeaving(string HostPort)
{
    /// <summary>Whether the worker id names a worker of this node.</summary>
    public bool Holds(string workerId) => workerId.StartsWith(HostPort + "/", StringComparison.Ordinal);
}
