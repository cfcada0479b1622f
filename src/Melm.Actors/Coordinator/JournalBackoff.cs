namespace Melm.Actors.Coordinator;

/// <summary>
/// When a run whose journal failed is tried again: First after the first failure, then twice as long
/// after each further one, never longer than Cap. Jitter shortens each delay by up to that fraction
/// (by a draw the caller makes), so the coordinators of several runs on one journal do not retry in
/// step; only timing changes, and a run's output depends on its items alone.
/// </summary>
public sealed record JournalBackoff
{
    public JournalBackoff(TimeSpan first, TimeSpan cap, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, first);
        if (jitter is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "jitter is a fraction in [0, 1)");
        First = first;
        Cap = cap;
        Jitter = jitter;
    }

    public TimeSpan First { get; }

    public TimeSpan Cap { get; }

    public double Jitter { get; }

    /// <summary>1 s, 2 s, 4 s, ... up to 30 s, each up to a fifth shorter.</summary>
    public static JournalBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);

    /// <summary>The wait before retry <paramref name="attempt"/> (1 for the retry after the first failure), given a draw in [0, 1).</summary>
    public TimeSpan Delay(int attempt, double draw)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (draw is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(draw), draw, "a draw is in [0, 1)");
        // 2^(attempt-1) overflows nothing as a double, and the cap is reached long before it matters.
        var full = Math.Min(Cap.TotalMilliseconds, First.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(full * (1 - Jitter * draw));
    }
}
