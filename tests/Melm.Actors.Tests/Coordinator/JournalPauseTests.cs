using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Tests.Coordinator;

public class JournalPauseTests
{
    private static readonly JournalBackoff NoJitter = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0);
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
    private static readonly RunStatus Generating = new("r", RunStages.Generate, [], 40, 12, 2, 26, [], null);

    [Fact]
    public void AFailedWriteNamesTheJournalCountsTheRetriesAndCountsDownToTheNext()
    {
        var pause = new JournalPause("r");
        pause.Failed("journal write failed (PostgreSQL db:5432/melm): Connection refused", Generating);
        Assert.Equal("paused: journal write failed (PostgreSQL db:5432/melm): Connection refused", pause.Describe(Now));

        Assert.Equal(TimeSpan.FromSeconds(1), pause.ScheduleRetry(NoJitter, 0, Now));
        pause.RetryStarted();
        Assert.Equal("paused: journal write failed (PostgreSQL db:5432/melm): Connection refused: retry 1 under way", pause.Describe(Now));
        pause.Failed("journal read failed (PostgreSQL db:5432/melm): Connection refused", status: null);
        pause.ScheduleRetry(NoJitter, 0, Now);
        pause.RetryStarted();
        pause.Failed("journal read failed (PostgreSQL db:5432/melm): Connection refused", status: null);

        Assert.Equal(TimeSpan.FromSeconds(4), pause.ScheduleRetry(NoJitter, 0, Now));
        Assert.Equal("paused: journal read failed (PostgreSQL db:5432/melm): Connection refused: retry 3 in 3 s", pause.Describe(Now.AddSeconds(1.5)));
        Assert.Equal(Now.AddSeconds(4), pause.RetryAt);
    }

    [Fact]
    public void TheStatusIsTheLastOneKnownWithThePauseAFailedReplayDoesNotReplaceIt()
    {
        var pause = new JournalPause("r");
        pause.Failed("journal write failed (SQLite /runs/journal.db): attempt to write a readonly database", Generating);
        pause.Failed("journal read failed (SQLite /runs/journal.db): disk I/O error", status: null);
        pause.ScheduleRetry(NoJitter, 0, Now);

        var status = pause.Status(Now);
        Assert.Equal(Generating with { Paused = "paused: journal read failed (SQLite /runs/journal.db): disk I/O error: retry 2 in 2 s" }, status);
        Assert.False(status.HasStopped());
    }

    [Fact]
    public void ARunKnownByNameOnlyIsShownAsNotStartedAndPaused()
    {
        var pause = new JournalPause("r");
        pause.Failed("journal read failed (SQLite j.db): locked", status: null);

        var status = pause.Status(Now);
        Assert.Equal((RunStages.NotStarted, "paused: journal read failed (SQLite j.db): locked"), (status.Stage, status.Paused));
    }
}
