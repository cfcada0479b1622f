using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;

namespace Melm.Benchmarks.Pipeline;

/// <summary>
/// `pipeline-worker`: a worker node in its own process, started by `pipeline` and joined to its
/// coordinator; it loads the same model and corpus, and leaves the cluster when its standard input closes.
/// </summary>
public static class WorkerProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? seedNode = null, model = null;
        int threads = 1, capacity = 1;
        ulong seed = 1;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seed-node": seedNode = args[i + 1]; break;
                case "--model": model = args[i + 1]; break;
                case "--threads": threads = PipelineBenchmarkOptions.PositiveInt(args[i], args[i + 1]); break;
                case "--capacity": capacity = PipelineBenchmarkOptions.PositiveInt(args[i], args[i + 1]); break;
                case "--seed": seed = (ulong)PipelineBenchmarkOptions.PositiveInt(args[i], args[i + 1]); break;
                default: throw new InputException("command line", null, $"unknown option {args[i]}");
            }
        }
        if (seedNode is null || model is null)
            throw new InputException("command line", null, "pipeline-worker needs --seed-node and --model");

        new ComputeOptions(Threads: threads).Apply("--threads");
        using var processor = PipelineWorkload.Processor(model, PipelineWorkload.Corpus(PipelineWorkload.DemoFolder()), seed);
        var options = new MelmClusterOptions
        {
            // A worker node opens no journal, but every node is configured with one.
            Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(Path.GetDirectoryName(model)!, $"worker-{Environment.ProcessId}.db")),
            Roles = [MelmRoles.Worker],
            SeedNodes = [seedNode],
            WorkerCapacity = capacity,
            WorkerPollInterval = PipelineBenchmark.WorkerPoll,
        };
        await using var node = await BenchmarkNode.StartAsync(options, processor).ConfigureAwait(false);
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        return 0;
    }
}
