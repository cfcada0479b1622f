using Melm.Testing;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Tests.Support;
using Melm.Host.Cluster;
using Melm.Host.Tests.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// Failures with real `melm node` processes on 127.0.0.1: a worker killed with -9, the
/// coordinator's node killed with -9 and restarted, a frozen (unreachable) worker downed by the
/// split-brain resolver, a model folder that vanished. The model-free test processor
/// (MELM_TEST_PROCESSOR) keeps each run to seconds; every output is compared with the direct loop's.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed partial class ClusterProcessTests : IDisposable
{
    private const int TestTimeout = 120_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly List<NodeProcess> _nodes = [];
    private readonly int _seedPort = FreePorts.Next();
    private readonly int _statusPort = FreePorts.Next();

    private string Seed => $"akka.tcp://melm@127.0.0.1:{_seedPort}";

    private string StatusUrl => $"http://127.0.0.1:{_statusPort}/";

    [Fact(Timeout = TestTimeout)]
    public async Task AWorkerKilledMidRunLeavesItsItemsToTheOtherAndTheOutputIsTheDirectLoops()
    {
        var spec = Spec();
        Node("coordinator", "coordinator", _seedPort);
        await UntilMembersAsync(1);
        var doomed = Node("worker-1", "worker", FreePorts.Next());
        Node("worker-2", "worker", FreePorts.Next());
        await UntilMembersAsync(3);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);

        await UntilRunAsync(client, spec, s => s.Done >= 6);
        doomed.Kill();
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        AssertSameOutputAsTheDirectLoop(spec);
        // The killed node was downed (its items came back through that); its removal from the member list may lag a moment.
        await UntilAsync(async () => (await client.StatusAsync()).Members.Count == 2, "the killed node to leave the member list");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AWorkerKilledMidStageLeavesTheStageToTheOtherAndTheRunCompletes()
    {
        var plain = Spec();
        var spec = plain with
        {
            RunId = "staged",
            Inputs = plain.Inputs with { ModelFolder = _folder.Combine("out", "melm-model"), TaggerFolder = _folder.Combine("out", "filter-tagger") },
            Preparation = new RunPreparation(
                new FilterTaggerJob(plain.Inputs.ModelFolder, "dev.conll", new Melm.Models.Ner.NerTrainingOptions { Seed = 11 }),
                new FineTuneJob(plain.Inputs.ModelFolder, null, new FineTuneOptions(Seed: 11), [])),
        };
        var coordinator = Node("coordinator", "coordinator", _seedPort);
        await UntilMembersAsync(1);
        var ports = new[] { FreePorts.Next(), FreePorts.Next() };
        // 300 ms per step: a stage takes 1.5 s, time enough to see it running and kill its worker.
        var workers = ports.Select((port, i) => (Id: $"127.0.0.1:{port}/cpu", Node: Node($"worker-{i + 1}", "worker", port, delayMs: 300))).ToArray();
        await UntilMembersAsync(3);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);

        // Kill the worker running the first stage once it has reported progress.
        RunProgress? running = null;
        await UntilAsync(async () =>
        {
            running = (await client.StatusAsync()).Runs.SingleOrDefault(r => r.RunId == spec.RunId);
            return running is { StageWorker: not null, Status.Step: not null };
        }, "a worker to report progress on the first stage");
        Assert.Equal(RunStages.FilterTagger, running!.Status.Stage);
        var (holder, doomed) = workers.Single(w => w.Id == running.StageWorker);
        doomed.Kill();
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        var survivor = workers.Single(w => w.Id != holder).Id;
        Assert.Equal([RunStages.FilterTagger, RunStages.FineTune, RunStages.Generate, RunStages.Write], status.StagesDone);
        Assert.Equal(2, status.Notes!.Count);
        Assert.True(File.Exists(Path.Combine(spec.Inputs.TaggerFolder!, UpperCaseProcessor.StageMarker)));
        Assert.True(File.Exists(Path.Combine(spec.Inputs.ModelFolder, UpperCaseProcessor.StageMarker)));
        Assert.Equal(spec.ItemCount, status.Done);
        AssertSameOutputAsTheDirectLoop(spec with { Preparation = null });
        await UntilLogAsync(coordinator, log => log.Contains($"stage filter-tagger given to {survivor}", StringComparison.Ordinal), "the stage given to the survivor in the coordinator's log");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AWorkerStoppedWithSigtermLeavesExitsZeroAndItsItemsComeBackLongBeforeTheUnreachableTimeout()
    {
        var spec = Spec();
        // 30 s before an unreachable node is downed: items that came back through that would take longer than the bound below.
        const int downAfter = 30;
        var coordinator = Node("coordinator", "coordinator", _seedPort, downAfterSeconds: downAfter);
        await UntilMembersAsync(1);
        var leavingPort = FreePorts.Next();
        // 300 ms per item: the run lasts seconds after the worker is seen holding one.
        var leaving = Node("worker-1", "worker", leavingPort, delayMs: 300, downAfterSeconds: downAfter);
        Node("worker-2", "worker", FreePorts.Next(), delayMs: 300, downAfterSeconds: downAfter);
        await UntilMembersAsync(3);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);

        var leavingWorker = $"127.0.0.1:{leavingPort}/cpu";
        await UntilAsync(async () => (await client.StatusAsync()).Runs.Single().Workers.Any(w => w.WorkerId == leavingWorker && w.InFlight > 0), "the worker to hold an item");
        var stopped = DateTimeOffset.UtcNow;
        leaving.Terminate();
        Assert.True(leaving.WaitForExit(Wait), "the worker did not exit after SIGTERM");
        Assert.True(leaving.ExitCode == 0, $"exit code {leaving.ExitCode}:\n{NodeProcess.Tail(leaving.Log())}");
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        // When the coordinator put them back, by its own log line's timestamp (the line itself may reach the file later).
        // Either notice may hand them back first: the worker's own ("left the cluster") or its node leaving the membership ("left").
        var requeued = new System.Text.RegularExpressions.Regex($"worker {System.Text.RegularExpressions.Regex.Escape(leavingWorker)} left( the cluster)?; back in the queue");
        var log = await UntilLogAsync(coordinator, log => requeued.IsMatch(log), "the leaving worker's items back in the queue in the coordinator's log");
        var line = System.Text.Json.JsonDocument.Parse(log.Split('\n').First(requeued.IsMatch)).RootElement;
        var back = line.GetProperty("Timestamp").GetDateTimeOffset() - stopped;
        Assert.True(back < TimeSpan.FromSeconds(downAfter / 3.0), $"the items came back {back.TotalSeconds:F1} s after SIGTERM; a graceful leave should not wait for the {downAfter} s unreachable timeout");
        await UntilAsync(async () => (await client.StatusAsync()).Members.Count == 2, "the stopped worker to leave the member list");
        AssertSameOutputAsTheDirectLoop(spec);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task TheCoordinatorStoppedWithSigtermInTheWriteStageExitsZeroAndRestartedWritesTheSameOutput()
    {
        var spec = Spec();
        // A file where the output folder should be holds the run in the write stage until the test removes it.
        File.WriteAllText(spec.OutputFolder, "in the way");
        var first = Node("node-1", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        var stuck = await UntilRunAsync(client, spec, s => s.Error is not null);
        Assert.Equal((RunStages.Write, spec.ItemCount), (stuck.Stage, stuck.Done));

        first.Terminate();
        Assert.True(first.WaitForExit(Wait), "the coordinator's node did not exit after SIGTERM");
        Assert.True(first.ExitCode == 0, $"exit code {first.ExitCode}:\n{NodeProcess.Tail(first.Log())}");
        File.Delete(spec.OutputFolder);
        var itemLog = _folder.Combine("items-2.log");
        Node("node-2", "coordinator,worker", _seedPort, itemLog);
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        Assert.False(File.Exists(itemLog), "the restarted node recomputed items");
        AssertSameOutputAsTheDirectLoop(spec);
    }

    [Fact(Timeout = 300_000)]
    public async Task AJournalOutageOnPostgreSqlMidRunPausesTheRunWithTheReasonAndEndsWithTheSameBytesAndEveryItemJournalledOnce()
    {
        using var database = TestPostgreSql.Create();
        var server = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        using var proxy = new TcpOutageProxy(server.Host!, server.Port);
        var throughProxy = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        var spec = Spec();
        // 300 ms per item: the run is still going when the journal goes away.
        var node = Node("node", "coordinator,worker", _seedPort, delayMs: 300, postgres: throughProxy);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        await UntilRunAsync(client, spec, s => s.Done >= 6);

        proxy.Cut();
        // The outage lasts until the status says the fourth retry waits: after the backoff's 1, 2 and 4 s (each up
        // to a fifth shorter), some 6 s at least however slow the machine (a fixed length would be a sleep).
        var cut = DateTime.UtcNow;
        var paused = await UntilRunAsync(client, spec, s => Retry(s) >= 4);
        var outage = DateTime.UtcNow - cut;
        proxy.Restore();
        Assert.Matches(PausedText($"PostgreSQL 127.0.0.1:{proxy.Port}/{server.Database}"), paused.Paused!);
        Assert.Equal(RunStages.Generate, paused.Stage);
        Assert.InRange(paused.Done, 6, spec.ItemCount - 1);
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed, TimeSpan.FromSeconds(180));

        Assert.Null(status.Paused);
        Assert.Equal(spec.ItemCount, status.Done);
        AssertSameOutputAsTheDirectLoop(spec);
        // Every item done and exactly as many results journalled: none lost, none written twice.
        using var connection = database.Open();
        using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM journal WHERE persistence_id = @id AND manifest = @manifest", connection);
        count.Parameters.AddWithValue("manifest", Melm.Actors.Persistence.JournalContract.ManifestOf(typeof(Melm.Actors.Protocol.Events.ItemCompleted))!);
        count.Parameters.AddWithValue("id", RunCoordinator.PersistenceIdOf(spec.RunId));
        Assert.Equal(spec.ItemCount, Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(outage > TimeSpan.FromSeconds(5), $"the outage lasted {outage.TotalSeconds:F0} s only");
        await UntilLogAsync(node, log => log.Contains($"run {spec.RunId}: its journal works again after", StringComparison.Ordinal), "the node to log that its journal works again");
    }

    [Fact(Timeout = 300_000)]
    public async Task ASqliteJournalMadeReadOnlyMidRunPausesTheRunWithTheReasonAndEndsWithTheSameBytesAndEveryItemJournalledOnce()
    {
        var spec = Spec();
        var node = Node("node", "coordinator,worker", _seedPort, delayMs: 300);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        await UntilRunAsync(client, spec, s => s.Done >= 6);

        var journal = _folder.Combine("journal.db");
        RunStatus paused;
        // The database and its write-ahead log, which every write appends to; the node holds both open.
        using (ImmutableFiles.Make(journal, journal + "-wal"))
        {
            paused = await UntilRunAsync(client, spec, s => Retry(s) >= 3);
            // melm status shows the pause in full under its table, and in its JSON.
            var (tableCode, table, _) = ConsoleCapture.Run("status", "--url", StatusUrl);
            Assert.Equal(0, tableCode);
            Assert.True(table.Contains($"run {spec.RunId}: paused: journal ", StringComparison.Ordinal), table);
            var (_, json, _) = ConsoleCapture.Run("status", "--url", StatusUrl, "--json");
            var shown = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("runs")[0].GetProperty("status").GetProperty("paused").GetString();
            Assert.Matches(PausedText($"SQLite {journal}"), shown!);
        }
        Assert.Matches(PausedText($"SQLite {journal}"), paused.Paused!);
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed, TimeSpan.FromSeconds(180));

        Assert.Null(status.Paused);
        Assert.Equal(spec.ItemCount, status.Done);
        AssertSameOutputAsTheDirectLoop(spec);
        var log = await UntilLogAsync(node, log => log.Contains($"run {spec.RunId}: its journal works again after", StringComparison.Ordinal), "the node to log that its journal works again");
        Assert.Contains($"journal write failed (SQLite {journal})", log, StringComparison.Ordinal);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal};Mode=ReadOnly");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = $id AND manifest = $manifest";
        count.Parameters.AddWithValue("$id", RunCoordinator.PersistenceIdOf(spec.RunId));
        count.Parameters.AddWithValue("$manifest", Melm.Actors.Persistence.JournalContract.ManifestOf(typeof(Melm.Actors.Protocol.Events.ItemCompleted))!);
        Assert.Equal(spec.ItemCount, Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = 300_000)]
    public async Task ASubmitWhileTheSqliteJournalIsReadOnlyIsRefusedAsJournalUnavailableAndGoesThroughOnceItIsWritable()
    {
        var first = Spec();
        Node("node", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        // A first run, so the journal and its write-ahead log exist to be made read-only.
        await client.SubmitAsync(first);
        await UntilRunAsync(client, first, s => s.Stage == RunStages.Completed);

        var journal = _folder.Combine("journal.db");
        var second = first with { RunId = "second", OutputFolder = _folder.Combine("second") };
        using (ImmutableFiles.Make(journal, journal + "-wal"))
        {
            // The runs manager cannot register the run: an answer that says so, not a timeout.
            var refused = await Assert.ThrowsAsync<RunRequestException>(() => client.SubmitAsync(second));
            Assert.Matches($@"^journal unavailable: journal write failed \(SQLite {System.Text.RegularExpressions.Regex.Escape(journal)}\): .+: retry \d+ (in \d+ s|under way)$", refused.Message);
            // melm submit says so too, with a non-zero exit code (the manager answers from its pause, or fails again).
            var (code, _, error) = ConsoleCapture.Run("submit", "--url", StatusUrl, "--model", first.Inputs.ModelFolder, "--train", first.Inputs.CorpusFile,
                "--out", _folder.Combine("cli"), "--shard-size", "2", "--rounds", "2", "--seed", "11", "--filter", "none", "--run-id", "cli");
            Assert.NotEqual(0, code);
            Assert.Contains("journal unavailable: journal write failed", error, StringComparison.Ordinal);
            // melm status while the manager is down or about to fail again: the same answer, or the runs once a retry has read them back.
            var (statusCode, _, statusError) = ConsoleCapture.Run("status", "--url", StatusUrl);
            Assert.True(statusCode == 0 || statusError.Contains("journal unavailable: ", StringComparison.Ordinal), statusError);
        }
        // Writable again: the manager's next retry takes the submission.
        await UntilAsync(async () =>
        {
            try
            {
                await client.SubmitAsync(second);
                return true;
            }
            catch (RunRequestException e) when (e.Message.StartsWith("journal unavailable: ", StringComparison.Ordinal))
            {
                return false;
            }
        }, "a submission to go through once the journal is writable");
        var status = await UntilRunAsync(client, second, s => s.Stage == RunStages.Completed);

        Assert.Equal(second.ItemCount, status.Done);
        AssertSameOutputAsTheDirectLoop(second);
        Assert.Equal(RunStages.Completed, (await UntilRunAsync(client, first, _ => true)).Stage);
    }

    /// <summary>A paused run's reason: the failed write or (on a retry) replay, the journal named, the cause, and the retry waiting or under way.</summary>
    private static string PausedText(string journal) =>
        $@"^paused: journal (write|read) failed \({System.Text.RegularExpressions.Regex.Escape(journal)}\): .+: retry \d+ (in \d+ s|under way)$";

    /// <summary>The retry a paused run's status names (waiting or under way); 0 when it is not paused.</summary>
    private static int Retry(RunStatus status) =>
        status.Paused is { } paused && System.Text.RegularExpressions.Regex.Match(paused, @": retry (\d+) (in|under)") is { Success: true } match
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    [Fact(Timeout = TestTimeout)]
    public async Task AnExperimentGridRunsAsOneJobPerCellOnTheWorkersAndScoresAsInOneProcess()
    {
        var model = TinyModels.PretrainedFolder(_folder);
        string[] Args(string output) => ["experiment", "--conll", SharedFiles.Repository("samples/demo"), "--model", model, "--out", output,
            "--languages", "en", "--n", "6", "--seeds", "4,5", "--methods", "gold-only,label-wise,melm",
            "--tagger-epochs", "1", "--tagger-lr", "1e-3", "--melm-epochs", "1", "--melm-lr", "1e-3", "--rounds", "2"];
        var coordinator = Node("coordinator", "coordinator", _seedPort, delayMs: null);
        await UntilMembersAsync(1);
        Node("worker-1", "worker", FreePorts.Next(), delayMs: null);
        Node("worker-2", "worker", FreePorts.Next(), delayMs: null);
        await UntilMembersAsync(3);

        var (code, output, error) = ConsoleCapture.Run([.. Args(_folder.Combine("cluster")), "--url", StatusUrl]);
        Assert.True(code == 0, error + string.Join("\n", _nodes.Select(n => NodeProcess.Tail(n.Log()))));
        Assert.Contains("experiment-cell: en N=6 seed 4: gold-only F1", output, StringComparison.Ordinal);
        Assert.Contains("experiment-cell: en N=6 seed 5: gold-only F1", output, StringComparison.Ordinal);
        static int Given(string log) => log.Split('\n').Count(line => line.Contains("stage experiment-cell given to", StringComparison.Ordinal));
        var log = await UntilLogAsync(coordinator, log => Given(log) >= 2, "both cells given to a worker in the coordinator's log");
        Assert.Equal(2, Given(log));

        // The grid in one process scores every method of every cell the same.
        var (localCode, _, localError) = ConsoleCapture.Run(Args(_folder.Combine("local")));
        Assert.True(localCode == 0, localError);
        foreach (var cell in new[] { "en-n6-seed4", "en-n6-seed5" })
        {
            foreach (var method in new[] { "gold-only", "label-wise", "melm" })
                Assert.Equal(ResultWithoutTimes(_folder.Combine("local", cell, method)), ResultWithoutTimes(_folder.Combine("cluster", cell, method)));
        }

        // The same command attaches to the completed jobs and runs nothing again.
        var (againCode, again, _) = ConsoleCapture.Run([.. Args(_folder.Combine("cluster")), "--url", StatusUrl]);
        Assert.Equal(0, againCode);
        Assert.Contains("completed", again, StringComparison.Ordinal);
        Assert.Equal(2, Given(coordinator.Log()));

        // A multilingual grid (paper Table 2) goes to the workers as one job per cell too, and scores as in one process;
        // so does a grid with Figure 4's oracle, which one job per language trains before the cells use it.
        string Grid(string output, string setting = """ "multilingual": { "languages": ["en", "es"], "n": [6], "methods": ["gold-only", "code-mix-random", "melm-gold"] }""")
        {
            var path = _folder.Combine(output + ".json");
            File.WriteAllText(path, $$"""
                {
                  "conll": {{System.Text.Json.JsonSerializer.Serialize(SharedFiles.Repository("samples/demo"))}}, "model": {{System.Text.Json.JsonSerializer.Serialize(model)}},
                  "out": "{{output}}", "seeds": [4],
                  "tagger": { "lr": 1e-3, "epochs": 1 }, "melm": { "lr": 1e-3, "epochs": 1 }, "generation": { "rounds": 2 },
                  {{setting}}
                }
                """);
            return path;
        }
        var (multiCode, multi, multiError) = ConsoleCapture.Run("experiment", "--grid", Grid("multi-cluster"), "--url", StatusUrl);
        Assert.True(multiCode == 0, multiError + string.Join("\n", _nodes.Select(n => NodeProcess.Tail(n.Log()))));
        Assert.Contains("experiment-cell: multilingual N=6 seed 4: gold-only F1", multi, StringComparison.Ordinal);
        Assert.Equal(3, Given(await UntilLogAsync(coordinator, log => Given(log) >= 3, "the multilingual cell given to a worker")));
        var (multiLocalCode, _, multiLocalError) = ConsoleCapture.Run("experiment", "--grid", Grid("multi-local"));
        Assert.True(multiLocalCode == 0, multiLocalError);
        foreach (var method in new[] { "gold-only", "code-mix-random", "melm-gold" })
            Assert.Equal(ResultWithoutTimes(_folder.Combine("multi-local", "multi-n6-seed4", method)), ResultWithoutTimes(_folder.Combine("multi-cluster", "multi-n6-seed4", method)));

        const string withOracle = """ "monolingual": { "languages": ["en"], "n": [6], "methods": ["gold-only", "label-wise"] }, "oracle": { "epochs": 1, "lr": 1e-3 }""";
        var (oracleCode, oracle, oracleError) = ConsoleCapture.Run("experiment", "--grid", Grid("oracle-cluster", withOracle), "--url", StatusUrl);
        Assert.True(oracleCode == 0, oracleError + string.Join("\n", _nodes.Select(n => NodeProcess.Tail(n.Log()))));
        Assert.Contains("experiment-cell: en oracle trained on the full train split", oracle, StringComparison.Ordinal);
        var (oracleLocalCode, _, oracleLocalError) = ConsoleCapture.Run("experiment", "--grid", Grid("oracle-local", withOracle));
        Assert.True(oracleLocalCode == 0, oracleLocalError);
        var labelwise = ResultWithoutTimes(_folder.Combine("oracle-cluster", "en-n6-seed4", "label-wise"));
        Assert.Contains("\"valid_new_entities\":", labelwise, StringComparison.Ordinal);
        Assert.DoesNotContain("\"valid_new_entities\":null", labelwise, StringComparison.Ordinal);
        Assert.Equal(ResultWithoutTimes(_folder.Combine("oracle-local", "en-n6-seed4", "label-wise")), labelwise);
    }

    /// <summary>A method's result.json without its timings, which differ from run to run.</summary>
    private static string ResultWithoutTimes(string folder)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, CellResult.FileName)))!.AsObject();
        json.Remove("seconds");
        return json.ToJsonString();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task TheCoordinatorsNodeKilledAndRestartedResumesWithoutRecomputingFinishedItems()
    {
        var spec = Spec();
        var firstLog = _folder.Combine("items-1.log");
        var first = Node("node-1", "coordinator,worker", _seedPort, firstLog);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        await UntilRunAsync(client, spec, s => s.Done >= 8);
        first.Kill();
        var journal = MelmPersistenceOptions.SqliteFile(_folder.Combine("journal.db"));
        var doneBeforeRestart = (await RunJournal.ReadAllAsync(journal)).Single().Done;
        Assert.InRange(doneBeforeRestart, 8, spec.ItemCount - 1);

        var secondLog = _folder.Combine("items-2.log");
        Node("node-2", "coordinator,worker", _seedPort, secondLog);
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        // The restarted node ran exactly the items the journal did not have: none twice, none finished recomputed.
        var rerun = File.ReadAllLines(secondLog);
        Assert.Equal(spec.ItemCount - doneBeforeRestart, rerun.Length);
        Assert.Equal(rerun.Length, rerun.Distinct().Count());
        AssertSameOutputAsTheDirectLoop(spec);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AFrozenWorkerIsDownedAndItsItemsGoToAnother()
    {
        var spec = Spec();
        var coordinator = Node("coordinator", "coordinator", _seedPort);
        await UntilMembersAsync(1);
        var frozenPort = FreePorts.Next();
        var frozen = Node("worker-1", "worker", frozenPort);
        Node("worker-2", "worker", FreePorts.Next());
        await UntilMembersAsync(3);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);

        var frozenWorker = $"127.0.0.1:{frozenPort}/cpu";
        await UntilRunAsync(client, spec, s => s.Done >= 4);
        await UntilAsync(async () => (await client.StatusAsync()).Runs.Single().Workers.Any(w => w.WorkerId == frozenWorker && w.InFlight > 0), "the worker to hold an item");
        frozen.Freeze();
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        Assert.DoesNotContain((await client.StatusAsync()).Members, m => m.Address.EndsWith($":{frozenPort}", StringComparison.Ordinal));
        await UntilLogAsync(coordinator, log => log.Contains($"worker {frozenWorker} stopped; back in the queue", StringComparison.Ordinal), "the frozen worker's items back in the queue in the coordinator's log");
        AssertSameOutputAsTheDirectLoop(spec);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ARunWhoseModelFolderVanishedStopsWithTheReasonAndResumesOnceItIsBack()
    {
        var spec = Spec();
        Node("node", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);
        Directory.Delete(spec.Inputs.ModelFolder);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);

        var failed = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Failed);
        Assert.Contains("the run's model folder is gone", failed.Error, StringComparison.Ordinal);

        Directory.CreateDirectory(spec.Inputs.ModelFolder);
        Assert.Equal(RunStages.Generate, (await client.ResumeAsync(spec.RunId)).Stage);
        await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);
        AssertSameOutputAsTheDirectLoop(spec);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AnOutputThatCannotBeWrittenStopsTheRunAndResumeOnTheJournalFinishesIt()
    {
        var spec = Spec();
        // A file where the output folder should be: writing fails as on a full disk.
        File.WriteAllText(spec.OutputFolder, "in the way");
        var node = Node("node", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        var stuck = await UntilRunAsync(client, spec, s => s.Error is not null);
        Assert.Equal((RunStages.Write, spec.ItemCount), (stuck.Stage, stuck.Done));
        Assert.Contains("cannot write the output", stuck.Error, StringComparison.Ordinal);
        node.Kill();

        File.Delete(spec.OutputFolder);
        var itemLog = _folder.Combine("items-resume.log");
        using var resume = new NodeProcess(_folder.Combine("resume.log"),
            UpperCaseProcessorFactory.ProcessEnvironment(100, itemLog),
            "resume", spec.RunId, "--run-root", _folder.Path);
        Assert.True(resume.WaitForExit(Wait), "melm resume did not end");

        Assert.True(resume.ExitCode == 0, resume.Log());
        Assert.Contains($"run {spec.RunId}: completed, {spec.ItemCount}/{spec.ItemCount} items done", resume.Log(), StringComparison.Ordinal);
        Assert.False(File.Exists(itemLog), "resuming the write recomputed items");
        AssertSameOutputAsTheDirectLoop(spec);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task TheCommandLineSubmitsWaitsShowsStatusAndCancels()
    {
        var plain = Spec();
        Node("node", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);

        // From a pretrained model: the worker trains the filter's tagger and fine-tunes (stand-in
        // stages of the test processor) into the output folder, then runs the items.
        var dev = _folder.Combine("dev.conll");
        File.WriteAllText(dev, "Anna B-PER\nlebt O\n");
        var (code, output, error) = ConsoleCapture.Run("submit", "--url", StatusUrl, "--model", plain.Inputs.ModelFolder, "--train", plain.Inputs.CorpusFile,
            "--dev", dev, "--out", plain.OutputFolder, "--shard-size", "2", "--rounds", "2", "--seed", "11", "--run-id", "submitted", "--wait");
        Assert.True(code == 0, error);
        var tuned = Path.Combine(plain.OutputFolder, AugmentPipeline.ModelSubfolder);
        var tagger = Path.Combine(plain.OutputFolder, AugmentPipeline.TaggerSubfolder);
        Assert.Contains($"filter-tagger: 5 steps, marker in {tagger}", output, StringComparison.Ordinal);
        Assert.Contains($"fine-tune: 5 steps, marker in {tuned}", output, StringComparison.Ordinal);
        Assert.Contains("run submitted: completed, 40/40 items done", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(tuned, UpperCaseProcessor.StageMarker)));
        Assert.True(File.Exists(Path.Combine(tagger, UpperCaseProcessor.StageMarker)));
        var spec = plain with { RunId = "submitted", Inputs = plain.Inputs with { ModelFolder = tuned, TaggerFolder = tagger } };
        AssertSameOutputAsTheDirectLoop(spec);

        var (tableCode, table, _) = ConsoleCapture.Run("status", "--url", StatusUrl);
        Assert.Equal(0, tableCode);
        Assert.Contains($"127.0.0.1:{_seedPort}", table, StringComparison.Ordinal);
        Assert.Contains("coordinator,worker", table, StringComparison.Ordinal);
        Assert.Contains("40/40", table, StringComparison.Ordinal);
        var (_, json, _) = ConsoleCapture.Run("status", "--url", StatusUrl, "--json");
        using var report = System.Text.Json.JsonDocument.Parse(json);
        var worker = report.RootElement.GetProperty("runs")[0].GetProperty("workers")[0];
        Assert.Equal((40, $"127.0.0.1:{_seedPort}/cpu"), (worker.GetProperty("done").GetInt32(), worker.GetProperty("worker_id").GetString()));

        using var client = new StatusClient(StatusUrl);
        var refused = await Assert.ThrowsAsync<RunRequestException>(() => client.SubmitAsync(spec with { RunId = "a/b" }));
        Assert.Contains("run id \"a/b\" must be", refused.Message, StringComparison.Ordinal);
        var other = spec with { RunId = "other", OutputFolder = _folder.Combine("other") };
        await client.SubmitAsync(other);
        var (cancelCode, cancelled, _) = ConsoleCapture.Run("cancel", "other", "--url", StatusUrl);
        Assert.Equal(0, cancelCode);
        Assert.Contains("run other: cancelled", cancelled, StringComparison.Ordinal);
        var (missingCode, _, missing) = ConsoleCapture.Run("resume", "nope", "--url", StatusUrl);
        Assert.Equal(1, missingCode);
        Assert.Contains("no run named nope", missing, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ANodesLogLinesAreJsonWithTheRunAndItemAsFields()
    {
        var spec = Spec();
        var node = Node("node", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        var worker = $"127.0.0.1:{_seedPort}/cpu";
        // The last line may still be half written.
        static System.Text.Json.JsonElement[] Lines(string log) =>
            [.. log.Split('\n')[..^1].Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)];
        static string Message(System.Text.Json.JsonElement line) => line.GetProperty("Message").GetString()!;
        var finishedMessage = $"run {spec.RunId} finished: {RunStages.Completed}";
        // The run's last line, which the status endpoint can be seconds ahead of.
        var lines = Lines(await UntilLogAsync(node, log => Lines(log).Any(l => Message(l) == finishedMessage), "the run's finished line in the node's log"));
        var completed = Assert.Single(lines, l => l.GetProperty("Message").GetString()!.StartsWith($"run {spec.RunId}: shard 0 round 1 completed by", StringComparison.Ordinal));
        var state = completed.GetProperty("State");
        Assert.Equal(typeof(RunCoordinator).FullName, completed.GetProperty("Category").GetString());
        Assert.Equal((spec.RunId, 0, 1, worker), (state.GetProperty("RunId").GetString(), state.GetProperty("Shard").GetInt32(), state.GetProperty("Round").GetInt32(), state.GetProperty("WorkerId").GetString()));
        var finished = Assert.Single(lines, l => Message(l) == finishedMessage);
        Assert.Equal((spec.RunId, RunStages.Completed), (finished.GetProperty("State").GetProperty("RunId").GetString(), finished.GetProperty("State").GetProperty("Stage").GetString()));
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        _folder.Dispose();
    }

    /// <summary>40 sentences in shards of 2, 2 rounds: 40 items of 100 ms each.</summary>
    private RunSpec Spec()
    {
        var sentences = Enumerable.Range(0, 40).Select(i => new Sentence(
            $"s{i}", "en", ["I", "met", "Anna", "in", $"Town{i}"], i % 7 == 3 ? ["O", "O", "O", "O", "O"] : ["O", "O", "B-PER", "O", "B-LOC"])).ToArray();
        var corpus = _folder.Combine("corpus.jsonl");
        JsonLines.Write(sentences, corpus);
        Directory.CreateDirectory(_folder.Combine("model"));
        var inputs = new RunInputs(corpus, _folder.Combine("model"), "melm", null, new GenerationOptions(Rounds: 2, Seed: 11));
        return RunSpecs.For(CorpusFile.Read(corpus), inputs, shardSize: 2, _folder.Combine("out"));
    }

    /// <summary>A node with the model-free test processor (delayMs per item), or with the real one when delayMs is null; extra: more options.</summary>
    private NodeProcess Node(string name, string roles, int port, string? itemLog = null, int? delayMs = 100, string[]? extra = null, int downAfterSeconds = 2, string? postgres = null)
    {
        var config = _folder.Combine($"{name}.json");
        // Down an unreachable node after 2 s by default, not the default 20 s, so the tests take seconds.
        var settings = new System.Text.Json.Nodes.JsonObject { ["downUnreachableAfterSeconds"] = downAfterSeconds };
        if (postgres is not null)
            settings["persistence"] = new System.Text.Json.Nodes.JsonObject { ["provider"] = "postgresql", ["connectionString"] = postgres };
        File.WriteAllText(config, settings.ToJsonString());
        // No API token, whatever the test runner's environment holds: these tests use the endpoint without one.
        var environment = delayMs is { } delay ? UpperCaseProcessorFactory.ProcessEnvironment(delay, itemLog) : [];
        environment[ApiToken.Variable] = "";
        // The coordinator serves the status endpoint; a worker-only node serves none unless given a port of its own.
        string[] endpoint = roles.Contains("coordinator", StringComparison.Ordinal) ? ["--status-port", _statusPort.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        var node = new NodeProcess(_folder.Combine($"{name}.log"), environment,
        [
            "node", "--config", config, "--role", roles, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed-nodes", Seed, "--run-root", _folder.Path, .. endpoint, .. extra ?? [],
        ]);
        _nodes.Add(node);
        return node;
    }

    private async Task UntilMembersAsync(int count)
    {
        using var client = new StatusClient(StatusUrl);
        await UntilAsync(async () =>
        {
            try
            {
                return (await client.StatusAsync()).Members.Count(m => m.Status == "Up") == count;
            }
            catch (RunRequestException)
            {
                return false;
            }
        }, $"{count} members up");
    }

    private async Task<RunStatus> UntilRunAsync(StatusClient client, RunSpec spec, Func<RunStatus, bool> condition, TimeSpan? wait = null)
    {
        RunStatus? last = null;
        await UntilAsync(async () =>
        {
            try
            {
                last = (await client.StatusAsync()).Runs.SingleOrDefault(r => r.RunId == spec.RunId)?.Status;
            }
            catch (RunRequestException)
            {
                return false;
            }
            return last is not null && condition(last);
        }, $"the run's status (last: {last})", wait);
        return last!;
    }

    private Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? wait = null) => NodeProcess.UntilAsync(condition, what, wait ?? Wait, _nodes);

    /// <summary>
    /// The node's log once <paramref name="condition"/> holds for it. A line reaches the file through
    /// Akka's logger actor, the console logger's queue and thread, the pipe and this process's reader,
    /// so on a loaded machine it can trail the status endpoint by seconds: wait for it, never read once.
    /// </summary>
    private async Task<string> UntilLogAsync(NodeProcess node, Func<string, bool> condition, string what)
    {
        var log = "";
        await UntilAsync(() => Task.FromResult(condition(log = node.Log())), what);
        return log;
    }


    private void AssertSameOutputAsTheDirectLoop(RunSpec spec)
    {
        var reference = spec with { OutputFolder = _folder.Combine("reference") };
        RunOutput.Write(reference, RunLoop.RunAsync(reference, new UpperCaseProcessor(TimeSpan.Zero)).GetAwaiter().GetResult());
        foreach (var name in new[] { AugmentationOutput.AugmentedConll, AugmentationOutput.AugmentedJsonLines, AugmentationOutput.GoldPlusAugmented, AugmentationOutput.SummaryFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference.OutputFolder, name)), File.ReadAllBytes(Path.Combine(spec.OutputFolder, name)));
    }
}
