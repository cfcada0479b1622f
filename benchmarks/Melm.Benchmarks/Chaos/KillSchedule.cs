namespace Melm.Benchmarks.Chaos;

/// <summary>
/// Which process is killed when: from a seed, so a rerun kills the same roles after the same gaps
/// (what the processes are doing at that moment still depends on the machine).
/// </summary>
public sealed class KillSchedule(ulong seed, int processes, int minGapSeconds, int maxGapSeconds)
{
    private readonly Random _random = new((int)(seed % int.MaxValue));

    /// <summary>The wait before the next kill and the index of the process it kills.</summary>
    public (TimeSpan Gap, int Victim) Next() =>
        (TimeSpan.FromSeconds(_random.Next(minGapSeconds, maxGapSeconds + 1)), _random.Next(processes));
}
