using Melm.Testing;
using Akka.Actor;
using Akka.Hosting;
using Melm.Actors.Coordinator;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Tests.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Tests.Support;
using Melm.Models.Ner;
using Melm.Models.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Melm.Models.Tagging;

namespace Melm.Actors.Tests.Hosting;

/// <summary>
/// The product's node setup (AddMelmActors) as a one-node cluster on loopback with two devices:
/// remoting, clustering, the runs manager singleton, the workers and SQLite persistence together.
/// </summary>
public sealed class OneNodeClusterTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(12);

    private readonly TempFolder _folder = new();
    private readonly CountingFactory _factory = new();

    protected override void ConfigureServices(HostBuilderContext context, IServiceCollection services) =>
        services.AddSingleton<IWorkItemProcessorFactory>(_factory);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddMelmActors(new MelmClusterOptions
        {
            Persistence = MelmPersistenceOptions.SqliteFile(_folder.Combine("journal.db")),
            Devices = ["cpu0", "cpu1"],
            WorkerCapacity = 2,
            WorkerPollInterval = TimeSpan.FromMilliseconds(100),
            Coordinator = CoordinatorSettings.Default with { LeaseCheckInterval = TimeSpan.FromMilliseconds(200) },
        });

    [Fact]
    public async Task ARunStartedThroughTheRunsManagerWritesTheDirectLoopsBytes()
    {
        var runs = ActorRegistry.Get<RunsManagerKey>();
        var plain = TestRuns.InFolder(_folder);
        // The filter's tagger is a stage one of the workers runs before the items.
        var spec = plain with
        {
            Inputs = plain.Inputs with { TaggerFolder = _folder.Combine("tagger") },
            Preparation = new RunPreparation(new FilterTaggerJob(plain.Inputs.ModelFolder, "dev.conll", new NerTrainingOptions { Seed = 1 })),
        };

        var started = await runs.Ask<RunStatus>(new StartRun(spec), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal((18, RunStages.FilterTagger), (started.Total, started.Stage));
        Assert.Empty(started.StagesDone);
        var deadline = DateTime.UtcNow + Timeout;
        RunStatus status;
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            status = await runs.Ask<RunStatus>(new GetRunStatus(spec.RunId), Timeout, TestContext.Current.CancellationToken);
        }
        while (status.Stage != RunStages.Completed && DateTime.UtcNow < deadline);

        Assert.Equal(RunStages.Completed, status.Stage);
        Assert.Equal(TestRuns.DirectOutput(spec), TestRuns.WrittenOutput(spec));
        Assert.Equal("wal", MelmPersistenceOptionsTests.JournalMode(_folder.Combine("journal.db")));
        Assert.Equal(["cpu0", "cpu1"], _factory.Devices.Order().ToArray());
        Assert.Equal(18, _factory.Processors.Sum(p => p.Calls));
        Assert.Equal([RunStages.FilterTagger], _factory.Processors.SelectMany(p => p.Stages).ToArray());
        Assert.True(File.Exists(Path.Combine(spec.Inputs.TaggerFolder!, UpperCaseProcessor.StageMarker)));
        Assert.Equal([$"{RunStages.FilterTagger}: 5 steps, marker in {spec.Inputs.TaggerFolder}"], status.Notes);
        var second = spec with { RunId = "run-2", OutputFolder = _folder.Combine("out-2") };
        await runs.Ask<RunStatus>(new StartRun(second), Timeout, TestContext.Current.CancellationToken);
        var cancelled = await runs.Ask<RunStatus>(new CancelRun(second.RunId), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(RunStages.Cancelled, cancelled.Stage);
        await Assert.ThrowsAsync<ArgumentException>(() => runs.Ask<RunStatus>(new StartRun(spec with { RunId = "a/b" }), Timeout, TestContext.Current.CancellationToken));
        Assert.Equal([spec.RunId, second.RunId], (await runs.Ask<RunList>(new ListRuns(), Timeout, TestContext.Current.CancellationToken)).RunIds);

        // The journal alone tells the same story, without starting any coordinator.
        var journal = await RunJournal.ReadAllAsync(Sys);
        Assert.Equal([spec.RunId, second.RunId], journal.Select(r => r.RunId).ToArray());
        Assert.Equal(status with { InFlight = 0, Pending = 0 }, journal[0] with { Files = status.Files, StagesDone = status.StagesDone, Notes = status.Notes });
        Assert.Equal([RunStages.FilterTagger, RunStages.Generate, RunStages.Write], journal[0].StagesDone);
        Assert.Equal(status.Notes, journal[0].Notes);
        Assert.Equal(RunStages.Cancelled, journal[1].Stage);
        Assert.Equal("nope", (await runs.Ask<RunNotFound>(new GetRunStatus("nope"), Timeout, TestContext.Current.CancellationToken)).RunId);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        _folder.Dispose();
    }

    private sealed class CountingFactory : IWorkItemProcessorFactory
    {
        public List<string> Devices { get; } = [];

        public List<CountingProcessor> Processors { get; } = [];

        public IWorkItemProcessor Create(string device)
        {
            var processor = new CountingProcessor((_, _, ct) => Task.Delay(5, ct));
            lock (Processors)
            {
                Devices.Add(device);
                Processors.Add(processor);
            }
            return processor;
        }
    }
}
