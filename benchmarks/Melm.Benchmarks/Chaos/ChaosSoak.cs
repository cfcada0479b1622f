using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Queries;
using Melm.Benchmarks.Pipeline;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Runs;
using Microsoft.Data.Sqlite;
using Spectre.Console;
using Melm.Models.Mlm;
using static TorchSharp.torch;

namespace Melm.Benchmarks.Chaos;

/// <summary>
/// The chaos soak (issue 14): a MELM run over sentences drawn from the CoNLL training files with the
/// tiny fixture model, first in one process (the direct loop, its resident memory read after each item),
/// then on a coordinator and two worker `melm node` processes, one of which, chosen by a seeded
/// schedule, is killed with SIGKILL every so often and started again on the same port and journal,
/// until the run completes; a process that exits by itself (a node the cluster downed) is started
/// again too. Prints items, ItemCompleted events in the journal, requeued items, kills,
/// wall time, each process's peak and last resident memory (read every second), and whether the
/// cluster's output bytes equal the direct loop's; exits 1 when they differ or an item is missing or doubled.
/// </summary>
public static class ChaosSoak
{
    private static readonly string[] Languages = ["de", "en", "es", "nl"];
    private static readonly string[] Roles = ["coordinator", "worker-1", "worker-2"];
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(ChaosSoakOptions options)
    {
        var shared = options.Conll is null ? SharedFolder() : null;
        var conll = options.Conll ?? Path.Combine(shared!, "data", "conll");
        var fixture = Path.Combine(shared ?? Path.Combine(conll, "..", ".."), "fixtures", "tiny-xlmr");
        foreach (var lang in Languages)
        {
            if (!File.Exists(Path.Combine(conll, lang, "train.txt")))
                throw new InputException(Path.Combine(conll, lang, "train.txt"), null, "the CoNLL training file is missing (--conll DIR names the folder of en, de, es and nl)");
        }
        if (!File.Exists(Path.Combine(fixture, "model.safetensors")))
            throw new InputException(fixture, null, "the tiny fixture model is missing");
        new ComputeOptions(Threads: options.Threads).Apply("--threads");
        var work = Directory.CreateTempSubdirectory("melm-chaos-").FullName;
        try
        {
            var spec = Prepare(options, conll, fixture, work);
            Console.WriteLine(Invariant($"{spec.SentenceIds.Count} sentences drawn with seed {options.Seed} from {string.Join(", ", Languages)} train.txt; {spec.ItemCount} items of {options.ShardSize}; tiny fixture model (tiny-xlmr), MELM prepared, {options.Rounds} round(s)"));

            var direct = spec with { OutputFolder = Path.Combine(work, "direct") };
            var (directSeconds, perItem, written) = await DirectLoopAsync(direct).ConfigureAwait(false);
            Console.WriteLine(Invariant($"one process: {directSeconds:F0} s; resident memory after item {RssSeries(perItem)}; after writing the output {Mb(written)}"));

            var soak = await SoakAsync(options, spec, work).ConfigureAwait(false);
            var same = AugmentationOutputFiles.All(name => File.ReadAllBytes(Path.Combine(direct.OutputFolder, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(spec.OutputFolder, name))));
            Print(soak, spec.ItemCount, directSeconds, same);
            return soak.Completed && same && soak.Journalled == spec.ItemCount ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static readonly string[] AugmentationOutputFiles =
        [AugmentationOutput.AugmentedConll, AugmentationOutput.AugmentedJsonLines, AugmentationOutput.GoldPlusAugmented, AugmentationOutput.SummaryFile];

    /// <summary>The shared folder beside the repository (../shared), found above the executable.</summary>
    private static string SharedFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Melm.sln")))
                return Path.Combine(dir.FullName, "..", "shared");
        }
        throw new InputException(AppContext.BaseDirectory, null, "the repository (Melm.sln) was not found above the benchmark; give --conll DIR");
    }

    /// <summary>The drawn corpus as JSON Lines and the fixture prepared for MELM on it, in the work folder; the run over both.</summary>
    private static RunSpec Prepare(ChaosSoakOptions options, string conll, string fixture, string work)
    {
        var all = Languages.SelectMany(lang => CorpusFile.Read(Path.Combine(conll, lang, "train.txt")).Sentences
            .Select(s => s with { Id = $"{lang}-{s.Id}", Lang = lang })).ToArray();
        if (all.Length < options.Sentences)
            throw new InputException(conll, null, $"{all.Length} training sentences, fewer than --sentences {options.Sentences}");
        var random = new Random((int)(options.Seed % int.MaxValue));
        random.Shuffle(all);
        var drawn = all[..options.Sentences];
        var corpus = Path.Combine(work, "corpus.jsonl");
        JsonLines.Write(drawn, corpus);
        var model = Path.Combine(work, "model");
        using (var prepared = MelmModel.Prepare(fixture, drawn, AugmentationMethod.Melm, device: CPU))
            prepared.Save(model);
        var inputs = new RunInputs(corpus, model, AugmentationMethods.Name(AugmentationMethod.Melm), TaggerFolder: null, new GenerationOptions(Rounds: options.Rounds, Seed: options.Seed));
        return new RunSpec("chaos", inputs, options.ShardSize, [.. drawn.Select(s => s.Id)], Path.Combine(work, "cluster"));
    }

    /// <summary>The run in this process: its wall time, resident memory after each item, and after the output is written.</summary>
    private static async Task<(double Seconds, IReadOnlyList<long> PerItemKb, long WrittenKb)> DirectLoopAsync(RunSpec spec)
    {
        var clock = Stopwatch.StartNew();
        using var processor = new MelmItemProcessor(CPU);
        var sampled = new RssPerItem(processor);
        RunOutput.Write(spec, await RunLoop.RunAsync(spec, sampled).ConfigureAwait(false));
        return (clock.Elapsed.TotalSeconds, sampled.Kb, NodeChild.RssKb(Environment.ProcessId) ?? 0);
    }

    /// <param name="Journalled">ItemCompleted events in the coordinator's journal: the item count when none was lost or written twice.</param>
    /// <param name="Pauses">Journal failures that paused the run (the runs manager's "retry N in" lines).</param>
    private sealed record Soak(
        bool Completed, double Seconds, int Done, IReadOnlyList<NodeChild> Processes, IReadOnlyList<string> Kills, int Requeued, int Recoveries, int Journalled, int Pauses);

    private static async Task<Soak> SoakAsync(ChaosSoakOptions options, RunSpec spec, string work)
    {
        var ports = Roles.Select(_ => FreePort()).ToArray();
        var statusPort = FreePort();
        var seeds = string.Join(",", ports.Select(p => Invariant($"akka.tcp://melm@127.0.0.1:{p}")));
        var config = Path.Combine(work, "node.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new Dictionary<string, int> { ["downUnreachableAfterSeconds"] = options.DownAfterSeconds }));
        var environment = new Dictionary<string, string>
        {
            // No API token, whatever this shell holds: the benchmark submits through the loopback endpoint without one.
            [ApiToken.Variable] = "",
            ["OMP_NUM_THREADS"] = Invariant($"{options.Threads}"),
        };
        var all = new List<NodeChild>();
        var live = new NodeChild[Roles.Length];
        var started = new int[Roles.Length];
        NodeChild Start(int i)
        {
            var role = i == 0 ? "coordinator" : "worker";
            var root = Path.Combine(work, Roles[i]);
            Directory.CreateDirectory(root);
            string[] args =
            [
                "node", "--config", config, "--role", role, "--port", Invariant($"{ports[i]}"), "--seed-nodes", seeds, "--run-root", root,
                .. i == 0 ? new[] { "--status-port", Invariant($"{statusPort}") } : [],
            ];
            var child = new NodeChild(Roles[i], ++started[i], Path.Combine(work, $"{Roles[i]}-{started[i]}.log"), environment, args);
            all.Add(child);
            return child;
        }

        using var client = new StatusClient(Invariant($"http://127.0.0.1:{statusPort}/"));
        var kills = new List<string>();
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromMinutes(options.TimeoutMinutes);
        RunStatus? last = null;
        try
        {
            for (var i = 0; i < Roles.Length; i++)
                live[i] = Start(i);
            await UntilAsync(async () => (await TryAsync(client.StatusAsync).ConfigureAwait(false))?.Members.Count(m => m.Status == "Up") == Roles.Length, clock, deadline, all).ConfigureAwait(false);
            await client.SubmitAsync(spec).ConfigureAwait(false);
            // Wall time and kill times count from the submission, not from the cluster forming.
            clock.Restart();
            var schedule = new KillSchedule(options.Seed, Roles.Length, options.MinGapSeconds, options.MaxGapSeconds);
            var (gap, victim) = schedule.Next();
            var nextKill = clock.Elapsed + gap;
            while (clock.Elapsed < deadline)
            {
                for (var i = 0; i < live.Length; i++)
                {
                    // A node the cluster downed exits by itself; started again, as a supervisor (docker's restart policy) would.
                    if (!live[i].Sample() && live[i].ExitedByItself is not null)
                        live[i] = Start(i);
                }
                if ((await TryAsync(client.StatusAsync).ConfigureAwait(false))?.Runs.SingleOrDefault(r => r.RunId == spec.RunId)?.Status is { } status)
                {
                    last = status;
                    if (status.Stage == RunStages.Completed || status.HasStopped())
                        break;
                }
                if (clock.Elapsed >= nextKill)
                {
                    live[victim].Kill();
                    kills.Add(Invariant($"{clock.Elapsed.TotalSeconds:F0} s {Roles[victim]} (pid {live[victim].Pid}, {last?.Done ?? 0}/{spec.ItemCount} done)"));
                    live[victim] = Start(victim);
                    (gap, victim) = schedule.Next();
                    nextKill = clock.Elapsed + gap;
                }
                await Task.Delay(Poll).ConfigureAwait(false);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            foreach (var child in live)
                child.Sample();
            var coordinatorLogs = all.Where(c => c.Role == Roles[0]).Select(c => c.Log()).ToArray();
            return new Soak(
                last?.Stage == RunStages.Completed, seconds, last?.Done ?? 0, all, kills, Requeued(coordinatorLogs), Lines(coordinatorLogs, "recovered at stage"),
                Journalled(Path.Combine(work, Roles[0], "journal.db"), spec.RunId), Lines(coordinatorLogs, ": retry "));
        }
        finally
        {
            foreach (var child in all)
                child.Dispose();
            if (options.Logs is { } logs)
            {
                Directory.CreateDirectory(logs);
                foreach (var child in all)
                    File.Copy(child.LogFile, Path.Combine(logs, Path.GetFileName(child.LogFile)), overwrite: true);
            }
        }
    }

    private static int Journalled(string journal, string runId)
    {
        using var connection = new SqliteConnection($"Data Source={journal};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = $id AND manifest = $manifest";
        count.Parameters.AddWithValue("$id", RunCoordinator.PersistenceIdOf(runId));
        count.Parameters.AddWithValue("$manifest", Melm.Actors.Persistence.JournalContract.ManifestOf(typeof(Melm.Actors.Protocol.Events.ItemCompleted))!);
        return Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Items the coordinators put back in the queue (a worker stopped, left or overran its lease), from their log lines.</summary>
    private static int Requeued(IEnumerable<string> logs) =>
        logs.SelectMany(l => l.Split('\n'))
            .Select(line => line.IndexOf("back in the queue: ", StringComparison.Ordinal) is var at and >= 0 ? line[(at + "back in the queue: ".Length)..] : null)
            .OfType<string>()
            .Sum(keys => keys.Split("\",")[0].Split(", ").Length);

    /// <summary>Log lines that contain the text (a JSON line repeats its message in its state, so lines, not occurrences).</summary>
    private static int Lines(IEnumerable<string> logs, string what) =>
        logs.Sum(log => log.Split('\n').Count(line => line.Contains(what, StringComparison.Ordinal)));

    private static async Task<T?> TryAsync<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RunRequestException or HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, Stopwatch clock, TimeSpan deadline, IReadOnlyList<NodeChild> processes)
    {
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > deadline)
                throw new TimeoutException("the cluster did not come up; logs in " + string.Join(", ", processes.Select(p => p.LogFile)));
            await Task.Delay(Poll).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>"1: 612 MB, 31: 640 MB, ... 313: 655 MB (peak 660 MB)": after the first item, each tenth of the items, and the last.</summary>
    private static string RssSeries(IReadOnlyList<long> kb)
    {
        if (kb.Count == 0)
            return "(no items)";
        var at = Enumerable.Range(0, 11).Select(tenth => Math.Max(1, tenth * kb.Count / 10)).Distinct();
        return string.Join(", ", at.Select(n => Invariant($"{n}: {Mb(kb[n - 1])}"))) + Invariant($" (peak {Mb(kb.Max())})");
    }

    private static string Mb(long kb) => Invariant($"{kb / 1024.0:F0} MB");

    private static void Print(Soak soak, int items, double directSeconds, bool same)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
            console.Profile.Width = 160;
        foreach (var kill in soak.Kills)
            Console.WriteLine("kill -9: " + kill);
        var summary = new Table().AddColumns("items", "done", "ItemCompleted in journal", "requeued items", "coordinator recoveries", "journal pauses", "kills", "exits", "wall time", "one process", "same bytes");
        summary.AddRow(
            Invariant($"{items}"), Invariant($"{soak.Done}"), Invariant($"{soak.Journalled}"), Invariant($"{soak.Requeued}"), Invariant($"{soak.Recoveries}"), Invariant($"{soak.Pauses}"), Invariant($"{soak.Kills.Count}"),
            Invariant($"{soak.Processes.Count(p => p.ExitedByItself is not null)}"),
            Invariant($"{soak.Seconds:F0} s{(soak.Completed ? "" : " (NOT completed)")}"), Invariant($"{directSeconds:F0} s"), same ? "yes" : "NO");
        console.Write(summary);
        var processes = new Table().AddColumns("process", "pid", "end", "RSS samples", "peak RSS", "final RSS");
        foreach (var p in soak.Processes)
            processes.AddRow($"{p.Role} #{p.Incarnation}", Invariant($"{p.Pid}"), p.End, Invariant($"{p.Samples}"), Mb(p.PeakRssKb), Mb(p.LastRssKb));
        console.Write(processes);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
