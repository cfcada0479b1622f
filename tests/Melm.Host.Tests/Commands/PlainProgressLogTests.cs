using Melm.Host.Commands;
using Melm.Models.Diagnostics;

namespace Melm.Host.Tests.Commands;

public sealed class PlainProgressLogTests : IDisposable
{
    private readonly ManualClock _clock = new();
    private readonly StringWriter _output = new();

    public void Dispose() => _output.Dispose();

    private string[] Lines => _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void AStagePrintsItsFirstUpdateThenOneLineEveryFiveSecondsAndItsEnd()
    {
        var log = new PlainProgressLog(_output, _clock);
        // 200 steps, one every 0.1 s: the first report at t = 0, the last at t = 19.9 s.
        for (var step = 1; step <= 200; step++)
        {
            if (step > 1)
                _clock.Advance(TimeSpan.FromSeconds(0.1));
            log.Report(new ProgressUpdate("pretrain", step, 200, "steps", [new("tokens/s", 5721.2732)]));
        }

        Assert.Equal(
        [
            "pretrain 1/200 steps  tokens/s 5,721",
            "pretrain 51/200 steps  10 steps/s  ETA 0:00:15  tokens/s 5,721",
            "pretrain 101/200 steps  10 steps/s  ETA 0:00:10  tokens/s 5,721",
            "pretrain 151/200 steps  10 steps/s  ETA 0:00:05  tokens/s 5,721",
            "pretrain 200/200 steps  10 steps/s  tokens/s 5,721",
        ], Lines);
    }

    [Fact]
    public void AFinishedStageReportedAgainPrintsNothingMore()
    {
        var log = new PlainProgressLog(_output, _clock);
        log.Report(new ProgressUpdate("rewrite+filter", 0, 30, "items"));
        _clock.Advance(TimeSpan.FromSeconds(3));
        log.Report(new ProgressUpdate("rewrite+filter", 30, 30, "items"));
        // A status poll keeps reporting the finished stage while the run writes its output.
        for (var poll = 0; poll < 6; poll++)
        {
            _clock.Advance(TimeSpan.FromSeconds(6));
            log.Report(new ProgressUpdate("rewrite+filter", 30, 30, "items"));
        }

        Assert.Equal(["rewrite+filter 0/30 items", "rewrite+filter 30/30 items  10 items/s"], Lines);
    }

    [Fact]
    public void NewFiguresForAFinishedStagePrintOnceTheIntervalHasPassedWithTheRateItHadAtTheEnd()
    {
        var log = new PlainProgressLog(_output, _clock);
        log.Report(new ProgressUpdate("tagger", 1, 21, "batches", [new("epoch", 10), new("loss", 0.5)]));
        _clock.Advance(TimeSpan.FromSeconds(10));
        log.Report(new ProgressUpdate("tagger", 21, 21, "batches", [new("epoch", 10), new("loss", 0.5)]));
        // The dev score of the last epoch arrives 2 s later: too soon for another line...
        _clock.Advance(TimeSpan.FromSeconds(2));
        log.Report(new ProgressUpdate("tagger", 21, 21, "batches", [new("epoch", 10), new("loss", 0.5), new("dev F1", 0.2133)]));
        Assert.Equal(2, Lines.Length);
        // ...and once the interval has passed it prints, its rate still that of the batches (20 in 10 s).
        _clock.Advance(TimeSpan.FromSeconds(4));
        log.Report(new ProgressUpdate("tagger", 21, 21, "batches", [new("epoch", 10), new("loss", 0.5), new("dev F1", 0.2133)]));

        Assert.Equal("tagger 21/21 batches  2 batches/s  epoch 10  loss 0.5  dev F1 0.213", Lines[^1]);
        Assert.Equal(3, Lines.Length);
    }

    [Fact]
    public void AStageThatGoesBackStartsOverWithAFirstLineAndItsOwnRate()
    {
        var log = new PlainProgressLog(_output, _clock);
        log.Report(new ProgressUpdate("generate", 10, 20, "rewrites"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        log.Report(new ProgressUpdate("generate", 20, 20, "rewrites"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        log.Report(new ProgressUpdate("generate", 4, 20, "rewrites"));
        _clock.Advance(TimeSpan.FromSeconds(4));
        log.Report(new ProgressUpdate("generate", 20, 20, "rewrites"));

        Assert.Equal(
        [
            "generate 10/20 rewrites",
            "generate 20/20 rewrites  10 rewrites/s",
            "generate 4/20 rewrites",
            "generate 20/20 rewrites  4 rewrites/s",
        ], Lines);
    }

    [Fact]
    public void StagesAreThrottledEachOnItsOwn()
    {
        var log = new PlainProgressLog(_output, _clock);
        log.Report(new ProgressUpdate("fine-tune epoch 1/2", 1, 10, "batches"));
        log.Report(new ProgressUpdate("fine-tune", 0, 2, "epochs"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        log.Report(new ProgressUpdate("fine-tune epoch 1/2", 2, 10, "batches"));
        log.Report(new ProgressUpdate("fine-tune", 0, 2, "epochs"));

        Assert.Equal(["fine-tune epoch 1/2 1/10 batches", "fine-tune 0/2 epochs"], Lines);
    }

    [Fact]
    public void FlushPrintsWhatTheIntervalHeldBackAndNothingTwice()
    {
        var log = new PlainProgressLog(_output, _clock);
        log.Report(new ProgressUpdate("pretrain", 1, 400, "steps"));
        _clock.Advance(TimeSpan.FromSeconds(2));
        log.Report(new ProgressUpdate("pretrain", 41, 400, "steps"));
        log.Report(new ProgressUpdate("tagger", 5, 5, "batches"));
        // A budget stops pretraining at step 41, 2 s after its first line: too soon for a line of its own.
        Assert.Equal(2, Lines.Length);

        log.Flush();
        log.Flush();

        Assert.Equal(["pretrain 1/400 steps", "tagger 5/5 batches", "pretrain 41/400 steps  20 steps/s  ETA 0:00:18"], Lines);
    }

    /// <summary>A clock that moves only when told: the throttling is tested without waiting.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
