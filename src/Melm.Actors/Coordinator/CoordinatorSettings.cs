namespace Melm.Actors.Coordinator;

/// <summary>
/// How a run coordinator manages its queue.
/// </summary>
/// <param name="LeaseTimeout">How long a worker may hold an item before it goes back to the queue; longer than the slowest item.</param>
/// <param name="LeaseCheckInterval">How often expired leases are looked for.</param>
/// <param name="SnapshotEvery">Events before the first snapshot, which keeps recovery short; each later one waits at least as many events as the one before covers, since a snapshot holds every result so far.</param>
/// <param name="MaxItemFailures">How often one item may make a processor throw before the run fails.</param>
public sealed record CoordinatorSettings(TimeSpan LeaseTimeout, TimeSpan LeaseCheckInterval, int SnapshotEvery, int MaxItemFailures)
{
    /// <summary>
    /// How long a worker may hold a preparation stage (fine-tuning can take hours); a worker that dies
    /// or leaves gives it back at once, so this only catches one that hangs.
    /// </summary>
    public TimeSpan StageLeaseTimeout { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a run whose journal failed waits before its coordinator is started again.</summary>
    public JournalBackoff JournalRetry { get; init; } = JournalBackoff.Default;

    /// <summary>The journal as a paused run's status names it ("PostgreSQL db:5432/melm", "SQLite /runs/journal.db"), never with a password.</summary>
    public string Journal { get; init; } = "journal";

    public static CoordinatorSettings Default { get; } = new(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10), 100, 3);
}
