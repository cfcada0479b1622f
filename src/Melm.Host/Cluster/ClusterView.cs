using Melm.Actors.Protocol.Queries;

namespace Melm.Host.Cluster;

/// <summary>
/// What `melm cluster show` prints and GET /cluster serves: the cluster as the coordinator's node
/// sees it, with its leader, the node that holds the runs manager (the singleton) and each worker
/// node's model workers.
/// </summary>
public sealed record ClusterView(string Node, string? Leader, string? RunsManager, IReadOnlyList<MemberView> Members);

/// <summary>
/// A member: address, roles, membership status (Joining, Up, Leaving, Exiting, Down...), reachability
/// from this node, whether it leads or holds the runs manager; a worker node's model workers (one per
/// device) as they answered, and WorkersError when they did not.
/// </summary>
public sealed record MemberView(
    string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, bool Leader, bool RunsManager,
    IReadOnlyList<WorkerStatus>? Workers, string? WorkersError);

/// <summary>What `melm cluster leave` and `down` did: the member, the verb, and its status just after.</summary>
public sealed record MemberAction(string Address, string Action, string Status);

/// <summary>An address that names no member of the cluster; the endpoint answers 404 and `melm cluster` exits with 2.</summary>
public sealed class UnknownMemberException(string address, string message) : Exception(message)
{
    public string Address { get; } = address;
}

/// <summary>The body of POST /cluster/leave and /cluster/down.</summary>
public sealed record MemberRequest(string Address);
