using Melm.Actors.Protocol.Queries;

namespace Melm.Host.Cluster;

/// <summary>What `melm status` shows and the status endpoint serves: the cluster's members and every run's progress.</summary>
public sealed record ClusterReport(string Node, IReadOnlyList<MemberInfo> Members, IReadOnlyList<RunProgress> Runs);

/// <summary>A cluster member: its address, roles and membership status (Up, Leaving, Down...), and whether it is reachable.</summary>
public sealed record MemberInfo(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable);
