using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;

namespace Melm.Actors.Hosting;

/// <summary>
/// One node's settings. With no seed nodes the node joins itself: `melm augment` on one machine is
/// a one-node cluster running the same actors as a distributed run.
/// </summary>
public sealed record MelmClusterOptions
{
    public string SystemName { get; init; } = "melm";

    /// <summary>Remoting binds here; loopback unless told otherwise.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Remoting port; 0 picks a free one (fine for a node that joins itself).</summary>
    public int Port { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [MelmRoles.Coordinator, MelmRoles.Worker];

    /// <summary>Seed node addresses, for example "akka.tcp://melm@127.0.0.1:4053" ("akka.ssl.tcp://" with TLS).</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public required MelmPersistenceOptions Persistence { get; init; }

    /// <summary>TLS for remoting; off (plain TCP) unless configured, which suits loopback and closed networks only.</summary>
    public MelmTlsOptions? Tls { get; init; }

    /// <summary>
    /// The node's HTTP endpoint (status, runs, health, metrics) speaks HTTPS with Tls's certificate;
    /// the settings loader refuses it without a tls section.
    /// </summary>
    public bool EndpointTls { get; init; }

    /// <summary>One model worker per device on a worker node; the CPU counts as one device.</summary>
    public IReadOnlyList<string> Devices { get; init; } = ["cpu"];

    /// <summary>Items one worker runs at once.</summary>
    public int WorkerCapacity { get; init; } = 1;

    /// <summary>Items one worker holds beyond those it runs, so the next one is already there when one finishes (WorkerSettings.Prefetch).</summary>
    public int WorkerPrefetch { get; init; } = 1;

    public TimeSpan WorkerPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public CoordinatorSettings Coordinator { get; init; } = CoordinatorSettings.Default;

    /// <summary>How long a node stays unreachable before the split-brain resolver downs it and its items go back in the queue.</summary>
    public TimeSpan DownUnreachableAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A file holding the API token that the coordinator's endpoint requires for its mutating verbs
    /// (submit, resume, cancel); without one the node falls back to MELM_API_TOKEN.
    /// </summary>
    public string? ApiTokenFile { get; init; }

    /// <summary>Akka's log level: INFO on a node, WARNING where a command draws its own progress.</summary>
    public string LogLevel { get; init; } = "INFO";

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
