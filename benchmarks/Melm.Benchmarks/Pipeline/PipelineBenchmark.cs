using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Augmentation;
using Melm.Models.Nn;
using Melm.Models.Runs;
using Spectre.Console;

namespace Melm.Benchmarks.Pipeline;

/// <summary>
/// The actor pipeline's cost: one run's generation (the demo sample, a small model) through the
/// direct loop, through a one-node cluster in the same process (with the default prefetch and
/// without), and through a coordinator process with one and with two worker processes on this
/// machine. Every setup must write the direct loop's bytes; the table gives the median of the
/// timed runs. Each round times the direct loop and the setup back to back, so its overhead is the
/// ratio of a pair that shared the machine's load of that moment; the table gives the median pair
/// and the lowest and highest, which show how noisy the machine was.
/// </summary>
public static class PipelineBenchmark
{
    /// <summary>How often an idle worker asks for work; the default second would dominate short runs.</summary>
    public static readonly TimeSpan WorkerPoll = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>One setup's timed runs, in order, and the output file of each.</summary>
    private sealed record Timed(IReadOnlyList<double> Seconds, IReadOnlyList<string> Outputs)
    {
        public double Median => PipelineBenchmark.Median(Seconds);

        /// <summary>Each run's time over the direct loop's run of the same round, less one: pairs share the machine's load of the moment.</summary>
        public IReadOnlyList<double> OverheadsOver(Timed direct) => [.. Seconds.Zip(direct.Seconds, (s, d) => s / d - 1)];
    }

    /// <param name="Overheads">Each round's overhead over the direct loop timed in the same round; null for the direct loop.</param>
    private sealed record Row(string Setup, int Workers, int ThreadsPerWorker, double Seconds, IReadOnlyList<double>? Overheads, bool Identical);

    public static async Task<int> RunAsync(PipelineBenchmarkOptions options)
    {
        var threads = options.Threads ?? Environment.ProcessorCount;
        new ComputeOptions(Threads: threads).Apply("--threads");
        var work = Directory.CreateTempSubdirectory("melm-pipeline-").FullName;
        try
        {
            var demo = PipelineWorkload.DemoFolder();
            var corpus = PipelineWorkload.Corpus(demo);
            var inputs = PipelineWorkload.Write(demo, corpus, work, options.Rounds, options.Seed);
            using var processor = new MelmItemProcessor(TorchSharp.torch.CPU);
            RunSpec Spec(string setup, int i) =>
                new($"{setup}-{i}", inputs, options.ShardSize, [.. corpus.Select(s => s.Id)], Path.Combine(work, "out", $"{setup}-{i}"));
            var items = Spec("plan", 0).ItemCount;
            Console.WriteLine(Invariant($"{corpus.Count} sentences (samples/demo train, 4 languages), {options.Rounds} rounds, {options.ShardSize} sentences per item: {items} items"));
            Console.WriteLine(Invariant($"model: 4 layers, 256 hidden, random weights; {threads} CPU threads in all; median of {options.Repeat} timed runs per setup after an untimed one"));

            var rows = new List<Row>();
            byte[] reference;
            (string, Func<RunSpec, Task>) direct = ("direct", async spec => RunOutput.Write(spec, await RunLoop.RunAsync(spec, processor).ConfigureAwait(false)));
            var single = new MelmClusterOptions
            {
                Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(work, "one-node.db")),
                WorkerPollInterval = WorkerPoll,
            };
            // The same node without prefetch: each item waits for the round trip that fetches it.
            var unfetched = single with { Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(work, "no-prefetch.db")), WorkerPrefetch = 0 };
            await using (var node = await BenchmarkNode.StartAsync(single, processor).ConfigureAwait(false))
            await using (var plain = await BenchmarkNode.StartAsync(unfetched, processor).ConfigureAwait(false))
            {
                await node.WaitForWorkersAsync(1, Timeout).ConfigureAwait(false);
                await plain.WaitForWorkersAsync(1, Timeout).ConfigureAwait(false);
                var measured = await MeasureAsync(
                    options.Repeat,
                    Spec,
                    direct,
                    ("one-node", spec => ClusterRunAsync(node.Runs, spec)),
                    ("no-prefetch", spec => ClusterRunAsync(plain.Runs, spec))).ConfigureAwait(false);
                reference = File.ReadAllBytes(measured[0].Outputs[0]);
                rows.Add(new Row("direct loop", 0, threads, measured[0].Median, null, true));
                rows.Add(new Row("one-node cluster in process", 1, threads, measured[1].Median, measured[1].OverheadsOver(measured[0]), Same(measured[1].Outputs, reference)));
                rows.Add(new Row("one-node cluster, prefetch 0", 1, threads, measured[2].Median, measured[2].OverheadsOver(measured[0]), Same(measured[2].Outputs, reference)));
            }

            foreach (var workers in new[] { 1, 2 })
            {
                var perWorker = Math.Max(1, threads / workers);
                var measured = await WithWorkerProcessesAsync(work, workers, perWorker, runs =>
                    MeasureAsync(options.Repeat, Spec, direct, ($"processes-{workers}", spec => ClusterRunAsync(runs, spec)))).ConfigureAwait(false);
                rows.Add(new Row($"coordinator + {workers} worker process{(workers > 1 ? "es" : "")}", workers, perWorker, measured[1].Median, measured[1].OverheadsOver(measured[0]), Same(measured[1].Outputs, reference)));
            }

            Print(rows, items);
            return rows.All(r => r.Identical) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Times the setups in turn, one run of each per repetition, so that load coming and going on the
    /// machine falls on all of them alike: each one's wall times, round by round, and the output files
    /// it wrote. An untimed round comes first: the first runs pay for JIT tiers, kernel choices and
    /// allocations.
    /// </summary>
    private static async Task<IReadOnlyList<Timed>> MeasureAsync(
        int repeat, Func<string, int, RunSpec> spec, params (string Name, Func<RunSpec, Task> Run)[] setups)
    {
        var seconds = setups.Select(_ => new List<double>()).ToArray();
        var outputs = setups.Select(_ => new List<string>()).ToArray();
        for (var i = -1; i < repeat; i++)
        {
            for (var k = 0; k < setups.Length; k++)
            {
                var s = spec(setups[k].Name, i + 1);
                var clock = Stopwatch.StartNew();
                await setups[k].Run(s).ConfigureAwait(false);
                if (i < 0)
                    continue;
                seconds[k].Add(clock.Elapsed.TotalSeconds);
                outputs[k].Add(Path.Combine(s.OutputFolder, AugmentationOutput.AugmentedJsonLines));
            }
        }
        return [.. setups.Select((_, k) => new Timed(seconds[k], outputs[k]))];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static bool Same(IReadOnlyList<string> outputs, byte[] reference) => outputs.All(o => File.ReadAllBytes(o).AsSpan().SequenceEqual(reference));

    /// <summary>Starts the run on the runs manager and waits until its output is written.</summary>
    private static async Task ClusterRunAsync(IActorRef runs, RunSpec spec)
    {
        await runs.Ask<RunStatus>(new StartRun(spec), Timeout).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var status = await runs.Ask<RunStatus>(new GetRunStatus(spec.RunId), Timeout).ConfigureAwait(false);
            if (status.Stage == RunStages.Completed)
                return;
            if (status.Error is not null || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"run {spec.RunId} did not complete: {status}");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>A coordinator node here and the given number of worker processes joined to it, for the duration of the body.</summary>
    private static async Task<T> WithWorkerProcessesAsync<T>(string work, int workers, int threads, Func<IActorRef, Task<T>> body)
    {
        var port = FreePort();
        var address = $"akka.tcp://melm@127.0.0.1:{port}";
        var coordinator = new MelmClusterOptions
        {
            Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(work, $"processes-{workers}.db")),
            Roles = [MelmRoles.Coordinator],
            Port = port,
            SeedNodes = [address],
        };
        var node = await BenchmarkNode.StartAsync(coordinator, null).ConfigureAwait(false);
        var processes = new List<(Process Process, List<string> Log)>();
        try
        {
            for (var i = 0; i < workers; i++)
                processes.Add(StartWorker(address, work, threads));
            await node.WaitForWorkersAsync(workers, Timeout).ConfigureAwait(false);
            return await body(node.Runs).ConfigureAwait(false);
        }
        catch
        {
            foreach (var (process, log) in processes)
                Console.Error.WriteLine($"worker process {process.Id}:{Environment.NewLine}{string.Join(Environment.NewLine, log)}");
            throw;
        }
        finally
        {
            // The coordinator goes first: workers leaving under it make it log each disassociation as an error.
            await node.DisposeAsync().ConfigureAwait(false);
            foreach (var (process, _) in processes)
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                    process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }
    }

    private static (Process, List<string>) StartWorker(string seedNode, string work, int threads)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Under `dotnet Melm.Benchmarks.dll` the process is dotnet itself, which needs the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var argument in new[] { "pipeline-worker", "--seed-node", seedNode, "--work", work, "--threads", Invariant($"{threads}") })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a worker process");
        var log = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, log);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Print(IReadOnlyList<Row> rows, int items)
    {
        var table = new Table().AddColumns("setup", "workers", "threads each", "s/run", "ms/item", "items/s", "overhead", "range", "same bytes");
        foreach (var row in rows)
        {
            table.AddRow(
                row.Setup,
                row.Workers == 0 ? "-" : Invariant($"{row.Workers}"),
                Invariant($"{row.ThreadsPerWorker}"),
                Invariant($"{row.Seconds:F2}"),
                Invariant($"{1000 * row.Seconds / items:F1}"),
                Invariant($"{items / row.Seconds:F2}"),
                row.Overheads is { } overheads ? Percent(Median(overheads)) : "-",
                row.Overheads is { } range ? $"{Percent(range.Min())}..{Percent(range.Max())}" : "-",
                row.Identical ? "yes" : "NO");
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Redirected output reports 80 columns, which folds every row; the table needs about 130.
        if (Console.IsOutputRedirected)
            console.Profile.Width = 140;
        console.Write(table);
    }

    private static string Percent(double fraction) => Invariant($"{100 * fraction:+0.0;-0.0}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
