using System.Diagnostics;
using System.Globalization;
using Melm.Models.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Benchmarks;

/// <summary>
/// Step times and achieved GFLOP/s of an XLM-R-base-shaped random masked LM on CPU (batch 30 x 64
/// tokens), beside a plain matmul's GFLOP/s measured in the same run, with the MLM head on 15% of
/// the positions and on all of them.
/// </summary>
public static class EncoderBenchmark
{
    private const int Batch = 30;
    private const int Tokens = 64;
    private const double MaskRate = 0.15;
    private const int MatmulSize = 2048;

    public static int Run(EncoderBenchmarkOptions options)
    {
        var device = new ComputeOptions("cpu", options.Precision, options.Threads).Apply("--threads");
        var config = RobertaConfig.XlmRobertaBase();
        Console.WriteLine(Invariant($"threads {get_num_threads()}, precision {options.Precision}, {options.Steps} timed steps after 1 warm-up"));

        var fp32Matmul = MatmulGflops(ScalarType.Float32, options.Steps);
        Console.WriteLine(Invariant($"plain matmul {MatmulSize}x{MatmulSize} fp32: {fp32Matmul:F1} GFLOP/s"));
        if (options.Precision == Precision.Bf16Autocast)
            Console.WriteLine(Invariant($"plain matmul {MatmulSize}x{MatmulSize} bf16: {MatmulGflops(ScalarType.BFloat16, options.Steps):F1} GFLOP/s"));

        var build = Stopwatch.StartNew();
        using var model = new RobertaForMaskedLM(config, options.Seed, device) { Precision = options.Precision };
        var parameters = model.NamedParameters().Sum(p => p.Parameter.numel());
        Console.WriteLine(Invariant($"model {config}: {parameters / 1e6:F1}M parameters, built in {build.Elapsed.TotalSeconds:F1} s"));

        var generator = new Generator(unchecked((ulong)options.Seed), CPU);
        using var ids = randint(3, config.VocabSize - 1, [Batch, Tokens], ScalarType.Int64, generator: generator);
        using var mask = ones_like(ids);
        using var someMask = rand([Batch, Tokens], generator: generator).lt(MaskRate);
        using var allMask = ones([Batch, Tokens], ScalarType.Bool);
        using var someTargets = ids.masked_select(someMask);
        using var allTargets = ids.reshape(-1);
        var some = (int)someMask.sum().item<long>();
        var all = Batch * Tokens;

        Console.WriteLine(Invariant($"batch {Batch} x {Tokens} tokens; MLM head on {some} positions ({100.0 * some / all:F1}%) or all {all}"));
        Console.WriteLine("FLOPs: per token layers*2*(4h^2+2hi) + layers*4*t*h; per predicted position 2*(h^2+hv); backward = 2x forward");
        Report("forward, head on 15%", Time(options.Steps, () => Forward(model, ids, mask, someMask)), EncoderFlops.Forward(config, Batch, Tokens, some), fp32Matmul);
        Report("forward, head on all", Time(options.Steps, () => Forward(model, ids, mask, allMask)), EncoderFlops.Forward(config, Batch, Tokens, all), fp32Matmul);
        Report("forward+backward, head on 15%", Time(options.Steps, () => Train(model, ids, mask, someMask, someTargets)), EncoderFlops.ForwardBackward(config, Batch, Tokens, some), fp32Matmul);
        Report("forward+backward, head on all", Time(options.Steps, () => Train(model, ids, mask, allMask, allTargets)), EncoderFlops.ForwardBackward(config, Batch, Tokens, all), fp32Matmul);
        return 0;
    }

    private static void Forward(RobertaForMaskedLM model, Tensor ids, Tensor mask, Tensor predictMask)
    {
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.Forward(ids, mask, predictMask);
    }

    private static void Train(RobertaForMaskedLM model, Tensor ids, Tensor mask, Tensor predictMask, Tensor targets)
    {
        model.train();
        model.zero_grad();
        using var scope = NewDisposeScope();
        var logits = model.Forward(ids, mask, predictMask);
        nn.functional.cross_entropy(logits, targets).backward();
    }

    private static double Time(int steps, Action step)
    {
        step();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
            step();
        return watch.Elapsed.TotalSeconds / steps;
    }

    private static void Report(string what, double seconds, double flops, double matmulGflops)
    {
        var gflops = flops / seconds / 1e9;
        Console.WriteLine(Invariant($"{what,-32} {seconds * 1000,9:F0} ms/step  {flops / 1e9,7:F0} GFLOP  {gflops,6:F1} GFLOP/s  ({100 * gflops / matmulGflops:F0}% of fp32 matmul)"));
    }

    private static double MatmulGflops(ScalarType dtype, int steps)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(1, CPU);
        var a = randn([MatmulSize, MatmulSize], generator: generator).to(dtype);
        var b = randn([MatmulSize, MatmulSize], generator: generator).to(dtype);
        var repeats = Math.Max(4, 4 * steps);
        var seconds = Time(repeats, () =>
        {
            using var c = matmul(a, b);
        });
        return 2.0 * MatmulSize * MatmulSize * MatmulSize / seconds / 1e9;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
