using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>What `--precision auto` measured and chose.</summary>
/// <param name="Chosen">bf16 autocast when its matmul was at least <see cref="PrecisionProbe.Threshold"/> times faster, fp32 otherwise.</param>
/// <param name="Speedup">fp32 matmul time over bf16 matmul time on the device (above 1: bf16 is faster).</param>
public sealed record PrecisionChoice(Precision Chosen, double Speedup)
{
    /// <summary>"bf16 (auto: bf16 matmul 2.31x fp32's)", as commands print it and results record it.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{(Chosen == Precision.Bf16Autocast ? "bf16" : "fp32")} (auto: bf16 matmul {Speedup:0.00}x the speed of fp32; bf16 needs {PrecisionProbe.Threshold:0.0}x)");
}

/// <summary>
/// `--precision auto`: times a square fp32 and bf16 matmul of a transformer layer's size on the
/// device, each the median of several after a warm-up, in alternation so a machine's load affects
/// both alike, and chooses bf16 autocast only where it pays clearly. CPUs differ: bf16 was 3.7x
/// faster than fp32 at matmul on one with AVX512_BF16 and slower on the one Melm is developed on.
/// </summary>
public static class PrecisionProbe
{
    public const double Threshold = 1.5;

    public static PrecisionChoice Choose(Device device, int size = 768, int repeats = 5)
    {
        ArgumentNullException.ThrowIfNull(device);
        using var scope = NewDisposeScope();
        var a = rand(size, size, device: device);
        var b = rand(size, size, device: device);
        var a16 = a.to(ScalarType.BFloat16);
        var b16 = b.to(ScalarType.BFloat16);
        double Time(Tensor x, Tensor y)
        {
            var clock = Stopwatch.StartNew();
            using var product = x.matmul(y);
            // CPU operations are done when they return; CUDA ones only once the device is synchronised.
            if (device.type == TorchSharp.DeviceType.CUDA)
                cuda.synchronize(device);
            return clock.Elapsed.TotalSeconds;
        }
        Time(a, b);
        Time(a16, b16);
        var fp32 = new List<double>();
        var bf16 = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            fp32.Add(Time(a, b));
            bf16.Add(Time(a16, b16));
        }
        var speedup = Median(fp32) / Median(bf16);
        return new PrecisionChoice(speedup >= Threshold ? Precision.Bf16Autocast : Precision.Fp32, speedup);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
