using Melm.Testing;
using System.Text.Json;
using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Tests.Support;
using Melm.Actors.Workers;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Runs;

namespace Melm.Actors.Tests.Persistence;

/// <summary>
/// A journal written by a real run, checked in under Persistence/Fixtures/NAME so that later builds
/// must keep reading it (JournalFixtureTests). The run: the runs manager, one coordinator and one
/// worker with the model-free UpperCaseProcessor, journalled to SQLite; a run with both
/// preparation stages and 8 sentences in 2 shards x 2 rounds (snapshots every 3 events), then a
/// second run cancelled before any work. Paths in its specs are relative, so the journal names
/// no machine's folders. Next to journal.db: the corpus, the run's aug.jsonl and summary.json, and
/// status.json (`melm runs` of the journal as JSON). Fixtures: v0, written before JournalContract
/// (manifests were C# type names); v1, journal format version 1. Both from the same run, so their
/// status and outputs are the same bytes.
///
/// A fixture is never regenerated in place: an existing one records what an older build wrote.
/// To add one for a new journal format, run the explicit test below with a new folder (an absolute
/// path: the test runs in its output folder), then add NAME to JournalFixtureTests:
/// <c>MELM_JOURNAL_FIXTURE_OUT=$PWD/tests/Melm.Actors.Tests/Persistence/Fixtures/NAME dotnet test
/// tests/Melm.Actors.Tests --filter FullyQualifiedName~JournalFixture.Regenerate -- xUnit.Explicit=only</c>.
/// </summary>
public sealed class JournalFixture
{
    public const string RunId = "fixture-run";

    public const string CancelledRunId = "fixture-cancelled";

    public const string JournalFile = "journal.db";

    public const string CorpusFile = "corpus.jsonl";

    public const string StatusFile = "status.json";

    public static readonly JsonSerializerOptions StatusJson = new() { WriteIndented = true };

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The checked-in fixture folder NAME, as copied next to the test assembly.</summary>
    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", name);

    /// <summary>The fixture's run, with paths relative to the folder the run ran in.</summary>
    public static RunSpec Spec(IReadOnlyList<Sentence> corpus) =>
        new(RunId,
            new RunInputs(CorpusFile, "model", "melm", "tagger", new GenerationOptions(Rounds: 2, Seed: 7)),
            ShardSize: 4,
            corpus.Select(s => s.Id).ToArray(),
            "out",
            new RunPreparation(
                new FilterTaggerJob("pretrained", "dev.conll", new NerTrainingOptions { Seed = 7 }),
                new FineTuneJob("pretrained", null, new FineTuneOptions(Seed: 7), ["de", "en"])));

    [Fact(Explicit = true)]
    public async Task Regenerate()
    {
        var target = Environment.GetEnvironmentVariable("MELM_JOURNAL_FIXTURE_OUT")
            ?? throw new InvalidOperationException("set MELM_JOURNAL_FIXTURE_OUT to the new fixture's folder");
        target = Path.GetFullPath(target);
        if (Directory.Exists(target))
            throw new InvalidOperationException($"{target} exists; a fixture records an older build's journal and is never overwritten");
        using var folder = new TempFolder();
        var corpus = TestRuns.Corpus.Take(8).ToArray();
        var spec = Spec(corpus);
        // The specs' paths are relative: the run reads and writes them from the temp folder.
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder.Path;
        try
        {
            JsonLines.Write(corpus, CorpusFile);
            Directory.CreateDirectory(spec.Inputs.ModelFolder);
            var persistence = MelmPersistenceOptions.SqliteFile(folder.Combine(JournalFile));
            var system = RunJournal.CreateLocalSystem("melm-fixture", persistence);
            try
            {
                var settings = new CoordinatorSettings(Timeout, TimeSpan.FromSeconds(1), SnapshotEvery: 3, MaxItemFailures: 3);
                var manager = system.ActorOf(RunsManager.Props(settings), "runs");
                var worker = system.ActorOf(ModelWorker.Props(new WorkerSettings("fixture-worker", 1, TimeSpan.FromMilliseconds(50), 0), manager, new UpperCaseProcessor(TimeSpan.Zero)), "worker");
                await manager.Ask<RunStatus>(new StartRun(spec), Timeout, TestContext.Current.CancellationToken);
                await UntilAsync(manager, RunId, s => s.Stage == RunStages.Completed);
                // No worker for the second run, so it is cancelled before any of its work starts.
                await worker.GracefulStop(Timeout);
                var cancelled = Spec(corpus) with { RunId = CancelledRunId, OutputFolder = "out-cancelled" };
                await manager.Ask<RunStatus>(new StartRun(cancelled), Timeout, TestContext.Current.CancellationToken);
                await manager.Ask<RunStatus>(new CancelRun(CancelledRunId), Timeout, TestContext.Current.CancellationToken);
                await UntilAsync(manager, CancelledRunId, s => s.Stage == RunStages.Cancelled);
            }
            finally
            {
                await system.Terminate();
            }
            var statuses = await RunJournal.ReadAllAsync(persistence);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.CreateDirectory(target);
            File.Copy(folder.Combine(JournalFile), Path.Combine(target, JournalFile));
            File.Copy(CorpusFile, Path.Combine(target, CorpusFile));
            foreach (var name in new[] { AugmentationOutput.AugmentedJsonLines, AugmentationOutput.SummaryFile })
                File.Copy(Path.Combine(spec.OutputFolder, name), Path.Combine(target, name));
            await File.WriteAllTextAsync(Path.Combine(target, StatusFile), JsonSerializer.Serialize(statuses, StatusJson) + "\n", TestContext.Current.CancellationToken);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    private static async Task UntilAsync(IActorRef manager, string runId, Func<RunStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var status = await manager.Ask<RunStatus>(new GetRunStatus(runId), Timeout, TestContext.Current.CancellationToken);
            if (condition(status))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"run {runId} never met the condition; last: {status}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
