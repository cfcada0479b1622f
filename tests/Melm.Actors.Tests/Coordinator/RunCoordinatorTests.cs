using System.Data.Common;
using Akka.Actor;
using Akka.Hosting;
using Melm.Actors.Coordinator;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Tests.Support;
using Melm.Actors.Workers;
using Melm.Models.Augmentation;
using Melm.Models.Runs;
using Microsoft.Data.Sqlite;

namespace Melm.Actors.Tests.Coordinator;

/// <summary>
/// A coordinator and workers in one actor system, journalling to a SQLite file in a temp folder.
/// Each test gets its own system and file. PostgreSqlRunCoordinatorTests runs them all on PostgreSQL.
/// </summary>
public class RunCoordinatorTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private static readonly CoordinatorSettings Settings = new(
        LeaseTimeout: TimeSpan.FromSeconds(30), LeaseCheckInterval: TimeSpan.FromMilliseconds(200), SnapshotEvery: 4, MaxItemFailures: 3);

    private readonly TempFolder _folder = new();

    public RunCoordinatorTests(ITestOutputHelper output)
        : base(output: output)
    {
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.WithMelmPersistence(Store());

    /// <summary>The journal and snapshot store under test.</summary>
    protected virtual MelmPersistenceOptions Store() => MelmPersistenceOptions.SqliteFile(_folder.Combine("journal.db"));

    /// <summary>A connection to the store's database, to count the rows the plugin wrote.</summary>
    protected virtual DbConnection OpenStore()
    {
        var connection = new SqliteConnection($"Data Source={_folder.Combine("journal.db")}");
        connection.Open();
        return connection;
    }

    private RunSpec? _spec;

    private RunSpec Spec => _spec ??= TestRuns.InFolder(_folder);

    private IActorRef Coordinator(CoordinatorSettings? settings = null) => Sys.ActorOf(RunCoordinator.Props(Spec.RunId, settings ?? Settings));

    private IActorRef Worker(string id, IActorRef coordinator, IWorkItemProcessor processor, int capacity = 2, int prefetch = 0) =>
        Sys.ActorOf(ModelWorker.Props(new WorkerSettings(id, capacity, Poll, prefetch), coordinator, processor), id);

    private async Task<RunStatus> StartAsync(IActorRef coordinator) =>
        await coordinator.Ask<RunStatus>(new StartRun(Spec), Timeout, TestContext.Current.CancellationToken);

    private async Task<RunStatus> UntilAsync(IActorRef coordinator, Func<RunStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var status = await coordinator.Ask<RunStatus>(new GetRunStatus(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
            if (condition(status))
                return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"run status never met the condition; last: {status}");
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Waits until the worker's status meets the condition, lets a few polls pass (when it would ask for
    /// more work if it wrongly could), then reads the worker and the run again.
    /// </summary>
    private async Task<(WorkerStatus Busy, WorkerStatus Still, RunStatus Run)> SettleAsync(IActorRef coordinator, IActorRef worker, Func<WorkerStatus, bool> condition)
    {
        var busy = await UntilAsync(worker, condition);
        await Task.Delay(Poll * 4, TestContext.Current.CancellationToken);
        var still = await worker.Ask<WorkerStatus>(new GetWorkerStatus(), Timeout, TestContext.Current.CancellationToken);
        var run = await coordinator.Ask<RunStatus>(new GetRunStatus(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        return (busy, still, run);
    }

    private static async Task<WorkerStatus> UntilAsync(IActorRef worker, Func<WorkerStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var status = await worker.Ask<WorkerStatus>(new GetWorkerStatus(), Timeout, TestContext.Current.CancellationToken);
            if (condition(status))
                return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"worker status never met the condition; last: {status}");
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
    }

    private void AssertOutputIsTheDirectLoops()
    {
        Assert.Equal(TestRuns.DirectOutput(Spec), TestRuns.WrittenOutput(Spec));
        Assert.True(File.Exists(Path.Combine(Spec.OutputFolder, AugmentationOutput.AugmentedConll)));
    }

    /// <summary>The sequence numbers of the snapshots in the store, in order.</summary>
    private List<long> Snapshots()
    {
        using var connection = OpenStore();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number FROM snapshot ORDER BY sequence_number";
        using var reader = command.ExecuteReader();
        var numbers = new List<long>();
        while (reader.Read())
            numbers.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        return numbers;
    }

    private string SnapshotManifest()
    {
        using var connection = OpenStore();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM snapshot";
        return (string)command.ExecuteScalar()!;
    }

    private long Rows(string table)
    {
        using var connection = OpenStore();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }

    private async Task StopAsync(IActorRef actor)
    {
        var probe = CreateTestProbe();
        probe.Watch(actor);
        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor, Timeout);
    }

    [Fact]
    public async Task AWorkerGivenTheSameStageTwiceRunsItOnce()
    {
        var processor = new CountingProcessor();
        var spec = TestRuns.Prepared(Spec);
        var job = new StageJob(spec.RunId, RunStages.FilterTagger, spec);
        var worker = Worker("w-stage", TestActor, processor);
        // A second copy as it arrives over the wire: equal contents, other list instances.
        var copy = job with { Spec = spec with { SentenceIds = [.. spec.SentenceIds] } };
        worker.Tell(new StageAssigned(job));
        worker.Tell(new StageAssigned(copy));

        var done = await FishForMessageAsync<StageDone>(_ => true, Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.FilterTagger, done.Stage);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal([RunStages.FilterTagger], processor.Stages.ToArray());
    }

    [Fact]
    public async Task TwoWorkersWriteTheBytesOfTheDirectLoop()
    {
        var coordinator = Coordinator();
        var started = await StartAsync(coordinator);
        Assert.Equal((RunStages.Generate, 18, 0), (started.Stage, started.Total, started.Done));
        var one = new CountingProcessor((_, _, ct) => Task.Delay(5, ct));
        var two = new CountingProcessor((_, _, ct) => Task.Delay(5, ct));
        Worker("w1", coordinator, one);
        Worker("w2", coordinator, two);

        var done = await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);

        Assert.Equal((18, 0, 0), (done.Done, done.InFlight, done.Pending));
        Assert.Equal(18, one.Calls + two.Calls);
        Assert.True(one.Calls > 0 && two.Calls > 0, $"both workers should pull work: {one.Calls} and {two.Calls}");
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task ABusyWorkerAnswersStatusAndHoldsNoMoreThanItsCapacity()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = new CountingProcessor((_, _, ct) => release.Task.WaitAsync(ct));
        var worker = Worker("w1", coordinator, processor, capacity: 3);

        var (busy, still, run) = await SettleAsync(coordinator, worker, s => s.InFlight.Count == 3);

        Assert.Equal([new(0, 1), new(1, 1), new(2, 1)], busy.InFlight);
        Assert.Equal((3, 0, 0), (still.InFlight.Count, still.Waiting, still.Completed));
        Assert.Equal((3, 15), (run.InFlight, run.Pending));
        release.SetResult();
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task AWorkerFetchesTheNextItemWhileOneRunsAndHoldsNoMoreThanCapacityPlusPrefetch()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = new CountingProcessor((_, _, ct) => release.Task.WaitAsync(ct));
        var worker = Worker("w1", coordinator, processor, capacity: 1, prefetch: 1);

        var (busy, still, run) = await SettleAsync(coordinator, worker, s => s.InFlight.Count == 1 && s.Waiting == 1);

        Assert.Equal([new(0, 1)], busy.InFlight);
        Assert.Equal((1, 1, 0), (still.InFlight.Count, still.Waiting, still.Completed));
        Assert.Equal((2, 16), (run.InFlight, run.Pending));
        // The prefetched item waits in the worker: the processor has seen only the running one.
        Assert.Equal(1, processor.Calls);
        release.SetResult();
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task StoppingAWorkerGivesBackItsPrefetchedItemsAsWellAsTheRunningOne()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        var stuck = new CountingProcessor((_, _, ct) => Task.Delay(Timeout * 10, ct));
        var doomed = Worker("doomed", coordinator, stuck, capacity: 1, prefetch: 2);
        await UntilAsync(doomed, s => s.InFlight.Count == 1 && s.Waiting == 2);
        Assert.Equal(3, (await UntilAsync(coordinator, s => s.InFlight == 3)).InFlight);

        var survivor = new CountingProcessor();
        Worker("survivor", coordinator, survivor, capacity: 1, prefetch: 1);
        await StopAsync(doomed);
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);

        Assert.Equal((1, 18), (stuck.Calls, survivor.Calls));
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task StoppingAWorkerMidRunRequeuesItsItemsAndTheOutputIsUnchanged()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        var stuck = new CountingProcessor((_, _, ct) => Task.Delay(Timeout * 10, ct));
        var doomed = Worker("doomed", coordinator, stuck);
        var held = (await UntilAsync(doomed, s => s.InFlight.Count == 2)).InFlight;

        var survivor = new CountingProcessor();
        Worker("survivor", coordinator, survivor);
        await StopAsync(doomed);
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);

        Assert.Equal(18, survivor.Calls);
        Assert.All(held, key => Assert.Contains(key, survivor.Processed));
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task ARestartedCoordinatorResumesAndNeverRecomputesACompletedItem()
    {
        var first = Coordinator();
        await StartAsync(first);
        // The first worker finishes five items, then hangs on the sixth until it is stopped.
        var hanging = new CountingProcessor((_, call, ct) => call <= 5 ? Task.CompletedTask : Task.Delay(Timeout * 10, ct));
        var before = Worker("before", first, hanging, capacity: 1);
        var midway = await UntilAsync(first, s => s.Done == 5 && s.InFlight == 1);
        Assert.Equal(12, midway.Pending);
        await StopAsync(before);
        await StopAsync(first);
        // Six events with a snapshot every four (saved in the background): the second coordinator recovers from a snapshot plus events.
        var deadline = DateTime.UtcNow + Timeout;
        while (Snapshots().Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        Assert.Single(Snapshots());
        // The snapshot holds the completed items' keys only; the second coordinator writes the output from the journal's events.
        Assert.Equal(JournalContract.ManifestOf(typeof(RunKeysSnapshot)), SnapshotManifest());

        var second = Coordinator();
        var resumed = await second.Ask<RunStatus>(new GetRunStatus(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal((RunStages.Generate, 5, 0, 13), (resumed.Stage, resumed.Done, resumed.InFlight, resumed.Pending));
        var after = new CountingProcessor();
        Worker("after", second, after);
        await UntilAsync(second, s => s.Stage == RunStages.Completed);

        Assert.Equal(13, after.Calls);
        Assert.Empty(after.Processed.Intersect(hanging.Processed));
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task SnapshotsComeFurtherApartAsTheRunGrows()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        Worker("only", coordinator, new CountingProcessor());
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        Assert.Equal(22L, Rows("journal"));

        // Of 22 events (start, 18 items, generation done, write, completed) with SnapshotEvery 4, snapshots follow
        // events 4, 8 and 16, each waiting as long as the one before covers; every fourth event would end at 20.
        // Each save then deletes the older ones, but the store runs saves and deletes concurrently: with items this
        // fast, an older save can commit after a newer one's delete (seen on PostgreSQL) and stays until the next.
        var deadline = DateTime.UtcNow + Timeout;
        while (Snapshots().LastOrDefault() != 16 && DateTime.UtcNow < deadline)
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        var kept = Snapshots();
        Assert.Equal(16L, kept.LastOrDefault());
        Assert.Subset(new HashSet<long> { 4, 8, 16 }, kept.ToHashSet());
    }

    [Fact]
    public async Task ADuplicateResultIsPersistedOnce()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        var item = WorkPlan.Item(Spec, new ItemKey(1, 2));
        var result = await new CountingProcessor().ProcessAsync(item, TestContext.Current.CancellationToken);

        // Both arrive before the first is persisted: the second waits behind the write and is then refused.
        coordinator.Tell(new WorkCompleted(Spec.RunId, "a", item.Key, result));
        coordinator.Tell(new WorkCompleted(Spec.RunId, "b", item.Key, result));
        var status = await UntilAsync(coordinator, s => s.Done == 1);

        Assert.Equal(17, status.Pending);
        Assert.Equal(2L, Rows("journal"));
    }

    [Fact]
    public async Task AnItemHeldPastItsLeaseGoesToAnotherWorker()
    {
        var coordinator = Coordinator(Settings with { LeaseTimeout = TimeSpan.FromMilliseconds(300), LeaseCheckInterval = TimeSpan.FromMilliseconds(100) });
        await StartAsync(coordinator);
        var hung = new CountingProcessor((_, _, ct) => Task.Delay(Timeout * 10, ct));
        var stuck = Worker("hung", coordinator, hung, capacity: 1);
        var held = Assert.Single((await UntilAsync(stuck, s => s.InFlight.Count == 1)).InFlight);

        var healthy = new CountingProcessor();
        Worker("healthy", coordinator, healthy, capacity: 1);
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);

        Assert.Contains(held, healthy.Processed);
        Assert.Empty(hung.Processed);
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task ACompletedRunRecoversAsCompletedAndHandsOutNothing()
    {
        var first = Coordinator();
        await StartAsync(first);
        var worker = Worker("w1", first, new CountingProcessor());
        await UntilAsync(first, s => s.Stage == RunStages.Completed);
        await StopAsync(worker);
        await StopAsync(first);

        var second = Coordinator();
        var status = await second.Ask<RunStatus>(new StartRun(Spec), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal((RunStages.Completed, 18), (status.Stage, status.Done));
        Assert.Equal(5, status.Files.Count);
        var processor = new CountingProcessor();
        Worker("w2", second, processor);
        await Task.Delay(Poll * 4, TestContext.Current.CancellationToken);
        Assert.Equal(0, processor.Calls);
    }

    [Fact]
    public async Task AnItemThatKeepsFailingFailsTheRunAndStartingItAgainResumesIt()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        var broken = true;
        var processor = new CountingProcessor((item, _, _) =>
            Volatile.Read(ref broken) && item.Key == new ItemKey(2, 1) ? throw new InvalidOperationException("checkpoint unreadable") : Task.CompletedTask);
        Worker("w1", coordinator, processor);

        var failed = await UntilAsync(coordinator, s => s.Stage == RunStages.Failed);
        Assert.Contains("checkpoint unreadable", failed.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Spec.OutputFolder, AugmentationOutput.AugmentedJsonLines)));

        Volatile.Write(ref broken, false);
        var resumed = await StartAsync(coordinator);
        Assert.Equal((RunStages.Generate, (string?)null), (resumed.Stage, resumed.Error));
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task ARunWhoseModelFolderVanishedFailsWithTheReasonAndResumesOnceItIsBack()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        Directory.Delete(Spec.Inputs.ModelFolder);
        var processor = new CountingProcessor();
        Worker("w1", coordinator, processor);

        var failed = await UntilAsync(coordinator, s => s.Stage == RunStages.Failed);
        Assert.Contains("the run's model folder is gone", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, failed.Done);

        Directory.CreateDirectory(Spec.Inputs.ModelFolder);
        var resumed = await coordinator.Ask<RunStatus>(new ResumeRun(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Generate, resumed.Stage);
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        AssertOutputIsTheDirectLoops();
    }

    [Fact]
    public async Task AnOutputThatCannotBeWrittenStopsTheRunUntilItIsStartedAgain()
    {
        // A file where the output folder should be: the write fails like it would on a full disk.
        Directory.CreateDirectory(Path.GetDirectoryName(Spec.OutputFolder)!);
        await File.WriteAllTextAsync(Spec.OutputFolder, "in the way", TestContext.Current.CancellationToken);
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        Worker("w1", coordinator, new CountingProcessor());

        var stuck = await UntilAsync(coordinator, s => s.Error is not null);
        Assert.Equal((RunStages.Write, 18), (stuck.Stage, stuck.Done));
        Assert.Contains("cannot write the output", stuck.Error, StringComparison.Ordinal);

        File.Delete(Spec.OutputFolder);
        await StartAsync(coordinator);
        await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        AssertOutputIsTheDirectLoops();
    }

    /// <summary>
    /// Runs the items and holds the output's write where it starts: it reads the run's corpus first,
    /// and the worker's last item puts a named pipe in the corpus file's place (the processor read the
    /// file at its first item), so the write waits until the test writes the pipe.
    /// </summary>
    private async Task<IActorRef> WriteHeldAsync()
    {
        var corpus = Spec.Inputs.CorpusFile;
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        Worker("w1", coordinator, new CountingProcessor((_, call, _) =>
        {
            if (call == Spec.ItemCount)
            {
                File.Delete(corpus);
                using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [corpus]);
                mkfifo.WaitForExit();
                Assert.Equal(0, mkfifo.ExitCode);
            }
            return Task.CompletedTask;
        }), capacity: 1);
        return coordinator;
    }

    /// <summary>Feeds the pipe that stands for the corpus (the held write reads it), then puts the file back.</summary>
    private async Task ReleaseWriteAsync(byte[] corpus)
    {
        await File.WriteAllBytesAsync(Spec.Inputs.CorpusFile, corpus, TestContext.Current.CancellationToken);
        File.Delete(Spec.Inputs.CorpusFile);
        Melm.Models.Data.JsonLines.Write(TestRuns.Corpus, Spec.Inputs.CorpusFile);
    }

    [Fact]
    public async Task TheCoordinatorAnswersWhileItWritesTheOutputAndWritesItOnce()
    {
        var coordinator = await WriteHeldAsync();
        var writing = await UntilAsync(coordinator, s => s.Stage == RunStages.Writing);
        Assert.Equal((18, 0, 0, null), (writing.Done, writing.Pending, writing.InFlight, writing.Error));
        // Starting the run again (as `melm resume` does) answers at once and starts no second write.
        var again = await coordinator.Ask<RunStatus>(new StartRun(Spec), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Writing, again.Stage);
        var progress = await coordinator.Ask<RunProgress>(new GetRunProgress(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Writing, progress.Status.Stage);
        Assert.False(Directory.Exists(Spec.OutputFolder));

        await ReleaseWriteAsync(Melm.Models.Data.JsonLines.Serialize(TestRuns.Corpus));
        var done = await UntilAsync(coordinator, s => s.Stage == RunStages.Completed);
        Assert.Equal([RunStages.Generate, RunStages.Write], done.StagesDone);
        AssertOutputIsTheDirectLoops();
        Assert.Empty(Directory.GetFiles(Spec.OutputFolder, "*.tmp"));
    }

    [Fact]
    public async Task ARunCancelledWhileItsOutputIsWrittenStaysCancelled()
    {
        var coordinator = await WriteHeldAsync();
        await UntilAsync(coordinator, s => s.Stage == RunStages.Writing);
        var cancelled = await coordinator.Ask<RunStatus>(new CancelRun(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Cancelled, cancelled.Stage);

        await ReleaseWriteAsync(Melm.Models.Data.JsonLines.Serialize(TestRuns.Corpus));
        var summary = Path.Combine(Spec.OutputFolder, AugmentationOutput.SummaryFile);
        var deadline = DateTime.UtcNow + Timeout;
        while (!File.Exists(summary))
        {
            Assert.True(DateTime.UtcNow < deadline, "the held write never finished");
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
        // A few polls for the write's end to reach the coordinator, which must not complete the run.
        await Task.Delay(Poll * 4, TestContext.Current.CancellationToken);
        await StopAsync(coordinator);
        var recovered = await Coordinator().Ask<RunStatus>(new GetRunStatus(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Cancelled, recovered.Stage);
    }

    [Fact]
    public async Task ARunWhoseCoordinatorStoppedMidWriteWritesTheSameBytesOnRecovery()
    {
        var first = await WriteHeldAsync();
        await UntilAsync(first, s => s.Stage == RunStages.Writing);
        // Gone before the write ended and RunCompleted was persisted, as when its node dies.
        await StopAsync(first);
        // The abandoned write reads an empty corpus and fails, with nobody left to tell.
        await ReleaseWriteAsync([]);

        var second = Coordinator();
        var done = await UntilAsync(second, s => s.Stage == RunStages.Completed);
        Assert.Equal((18, (string?)null), (done.Done, done.Error));
        AssertOutputIsTheDirectLoops();
        Assert.Empty(Directory.GetFiles(Spec.OutputFolder, "*.tmp"));
    }

    [Fact]
    public async Task ACancelledRunStopsHandingOutWorkAndStaysCancelledAfterRestart()
    {
        var first = Coordinator();
        await StartAsync(first);
        var cancelled = await first.Ask<RunStatus>(new CancelRun(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Cancelled, cancelled.Stage);
        var processor = new CountingProcessor();
        var worker = Worker("w1", first, processor);
        await Task.Delay(Poll * 4, TestContext.Current.CancellationToken);
        Assert.Equal(0, processor.Calls);
        await StopAsync(worker);
        await StopAsync(first);

        var second = Coordinator();
        var status = await second.Ask<RunStatus>(new GetRunStatus(Spec.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal((RunStages.Cancelled, 0), (status.Stage, status.Pending));
    }

    [Fact]
    public async Task StartingAnExistingRunWithAnotherSpecIsRefused()
    {
        var coordinator = Coordinator();
        await StartAsync(coordinator);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            coordinator.Ask<RunStatus>(new StartRun(Spec with { Inputs = Spec.Inputs with { Generation = Spec.Inputs.Generation with { Seed = 7 } } }), Timeout, TestContext.Current.CancellationToken));
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        _folder.Dispose();
    }
}
