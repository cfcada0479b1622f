using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Runs;

namespace Melm.Benchmarks.Pipeline;

/// <summary>
/// `pipeline-worker`: a worker node in its own process, started by `pipeline` and joined to its
/// coordinator; its MelmItemProcessor loads each run's model and corpus from the paths the run names,
/// and it leaves the cluster when its standard input closes.
/// </summary>
public static class WorkerProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? seedNode = null, work = null;
        var threads = 1;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seed-node": seedNode = args[i + 1]; break;
                case "--work": work = args[i + 1]; break;
                case "--threads": threads = PipelineBenchmarkOptions.PositiveInt(args[i], args[i + 1]); break;
                default: throw new InputException("command line", null, $"unknown option {args[i]}");
            }
        }
        if (seedNode is null || work is null)
            throw new InputException("command line", null, "pipeline-worker needs --seed-node and --work");

        new ComputeOptions(Threads: threads).Apply("--threads");
        using var processor = new MelmItemProcessor(TorchSharp.torch.CPU);
        var options = new MelmClusterOptions
        {
            // A worker node opens no journal, but every node is configured with one.
            Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(work, $"worker-{Environment.ProcessId}.db")),
            Roles = [MelmRoles.Worker],
            SeedNodes = [seedNode],
            WorkerPollInterval = PipelineBenchmark.WorkerPoll,
        };
        await using var node = await BenchmarkNode.StartAsync(options, processor).ConfigureAwait(false);
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        return 0;
    }
}
