using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Coordinator;

/// <summary>
/// A run whose coordinator stopped because its journal failed, as its runs manager keeps it until a
/// retried coordinator writes again: how many times it failed, why the last time, the run's status
/// when it was last known, and when the next retry starts (null before it is scheduled and while it
/// is under way).
/// </summary>
public sealed class JournalPause(string runId)
{
    public string RunId { get; } = runId;

    public int Failures { get; private set; }

    public string Reason { get; private set; } = "";

    public RunStatus? LastStatus { get; private set; }

    public DateTimeOffset? RetryAt { get; private set; }

    /// <summary>A coordinator started by a retry is running (it may be replaying the journal).</summary>
    public bool UnderWay { get; private set; }

    /// <summary>Another failure; a status, when the coordinator had one, replaces the last known one (a failed replay has none worth keeping).</summary>
    public void Failed(string reason, RunStatus? status)
    {
        Failures++;
        Reason = reason;
        if (status is not null)
            LastStatus = status;
        RetryAt = null;
        UnderWay = false;
    }

    /// <summary>The coordinator is gone: the next one starts after the backoff's delay for this many failures.</summary>
    public TimeSpan ScheduleRetry(JournalBackoff backoff, double draw, DateTimeOffset now)
    {
        var delay = backoff.Delay(Failures, draw);
        RetryAt = now + delay;
        return delay;
    }

    public void RetryStarted()
    {
        RetryAt = null;
        UnderWay = true;
    }

    /// <summary>What `melm status` shows, e.g. "paused: journal write failed (PostgreSQL 10.0.0.5:5432/melm): Connection refused: retry 3 in 8 s".</summary>
    public string Describe(DateTimeOffset now) => "paused: " + Why(now);

    /// <summary>The reason and the retry, e.g. "journal write failed (...): Connection refused: retry 3 in 8 s".</summary>
    public string Why(DateTimeOffset now) => (RetryAt, UnderWay) switch
    {
        ({ } at, _) => $"{Reason}: retry {Failures} in {Math.Max(0, Math.Ceiling((at - now).TotalSeconds)):F0} s",
        (null, true) => $"{Reason}: retry {Failures} under way",
        _ => Reason,
    };

    /// <summary>The last known status with the pause in it; a run known by name only shows its stage as not started.</summary>
    public RunStatus Status(DateTimeOffset now) =>
        (LastStatus ?? new RunStatus(RunId, RunStages.NotStarted, [], 0, 0, 0, 0, [], null)) with { Paused = Describe(now) };
}
