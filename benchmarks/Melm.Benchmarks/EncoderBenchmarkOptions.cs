using System.Globalization;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;

namespace Melm.Benchmarks;

/// <summary>Options of `encoder`: timed steps per measurement, CPU threads, precision, seed.</summary>
public sealed record EncoderBenchmarkOptions(int Steps = 1, int? Threads = null, Precision Precision = Precision.Fp32, long Seed = 1)
{
    public static EncoderBenchmarkOptions Parse(string[] args)
    {
        var options = new EncoderBenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new InputException("command line", null, $"{args[i]} needs a value");
            options = args[i] switch
            {
                "--steps" => options with { Steps = PositiveInt(args[i], value) },
                "--threads" => options with { Threads = PositiveInt(args[i], value) },
                "--seed" => options with { Seed = long.Parse(value, CultureInfo.InvariantCulture) },
                "--dtype" => options with
                {
                    Precision = value switch
                    {
                        "fp32" => Precision.Fp32,
                        "bf16" => Precision.Bf16Autocast,
                        _ => throw new InputException("command line", null, $"--dtype {value}: expected fp32 or bf16"),
                    },
                },
                _ => throw new InputException("command line", null, $"unknown option {args[i]}"),
            };
            i++;
        }
        return options;
    }

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InputException("command line", null, $"{option} {value}: expected a positive integer");
}
