using Melm.Benchmarks;
using Melm.Benchmarks.Chaos;
using Melm.Benchmarks.Pipeline;
using Melm.Models.Diagnostics;

try
{
    return args.Length == 0 ? Usage() : args[0] switch
    {
        "encoder" => EncoderBenchmark.Run(EncoderBenchmarkOptions.Parse(args[1..])),
        "pipeline" => await PipelineBenchmark.RunAsync(PipelineBenchmarkOptions.Parse(args[1..])),
        "pipeline-worker" => await WorkerProcess.RunAsync(args[1..]),
        "chaos" => await ChaosSoak.RunAsync(ChaosSoakOptions.Parse(args[1..])),
        "augment-report" => AugmentReport.Run(AugmentReportOptions.Parse(args[1..])),
        _ => Usage(),
    };
}
catch (InputException e)
{
    Console.Error.WriteLine("error: " + e.Message.Replace(Environment.NewLine, Environment.NewLine + "error: ", StringComparison.Ordinal));
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Melm.Benchmarks encoder [--steps N] [--threads N] [--dtype fp32|bf16] [--seed N]");
    Console.Error.WriteLine("       Melm.Benchmarks pipeline [--rounds R] [--shard N] [--repeat N] [--threads N] [--seed N]");
    Console.Error.WriteLine("       Melm.Benchmarks " + AugmentReportOptions.Usage);
    Console.Error.WriteLine("       Melm.Benchmarks " + ChaosSoakOptions.Usage);
    return 2;
}
