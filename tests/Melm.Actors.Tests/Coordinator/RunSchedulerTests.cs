using Melm.Actors.Coordinator;

namespace Melm.Actors.Tests.Coordinator;

public class RunSchedulerTests
{
    private static string[] Take(RunScheduler scheduler, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => scheduler.Next() ?? "(none)")];

    [Fact]
    public void RunsWithWorkAreServedInTurnNotOldestFirst()
    {
        var scheduler = new RunScheduler();
        scheduler.Register("a");
        scheduler.Register("b");
        scheduler.Register("c");

        Assert.Equal(["a", "b", "c", "a", "b", "c"], Take(scheduler, 6));

        // A run with nothing waiting is skipped; it is served first again once items come back.
        scheduler.Update("b", finished: false, pending: 0);
        Assert.Equal(["a", "c", "a"], Take(scheduler, 3));
        scheduler.Update("b", finished: false, pending: 2);
        Assert.Equal("b", scheduler.Next());
    }

    [Fact]
    public void FinishedRunsGetNoWorkAndALateRegistrationDoesNotWaitBehindOlderRuns()
    {
        var scheduler = new RunScheduler();
        scheduler.Register("a");
        for (var i = 0; i < 5; i++)
            Assert.Equal("a", scheduler.Next());
        scheduler.Register("b");
        Assert.Equal(["b", "a", "b"], Take(scheduler, 3));

        scheduler.Update("a", finished: true, pending: 0);
        Assert.True(scheduler.IsFinished("a"));
        Assert.Equal(["b"], scheduler.Active);
        scheduler.Update("b", finished: true, pending: 0);
        Assert.Null(scheduler.Next());
    }
}
