using Melm.Benchmarks;
using Melm.Models.Diagnostics;

try
{
    return args.Length > 0 && args[0] == "encoder"
        ? EncoderBenchmark.Run(EncoderBenchmarkOptions.Parse(args[1..]))
        : Usage();
}
catch (InputException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Melm.Benchmarks encoder [--steps N] [--threads N] [--dtype fp32|bf16] [--seed N]");
    return 2;
}
