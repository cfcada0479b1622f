using System.Globalization;
using Melm.Models.Diagnostics;

namespace Melm.Benchmarks.Pipeline;

/// <summary>Options of `pipeline`: rounds and shard size of the run, timed runs per setup, CPU threads in all, run seed.</summary>
public sealed record PipelineBenchmarkOptions(int Rounds = 3, int ShardSize = 32, int Repeat = 3, int? Threads = null, ulong Seed = 1)
{
    public static PipelineBenchmarkOptions Parse(string[] args)
    {
        var options = new PipelineBenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new InputException("command line", null, $"{args[i]} needs a value");
            options = args[i] switch
            {
                "--rounds" => options with { Rounds = PositiveInt(args[i], value) },
                "--shard" => options with { ShardSize = PositiveInt(args[i], value) },
                "--repeat" => options with { Repeat = PositiveInt(args[i], value) },
                "--threads" => options with { Threads = PositiveInt(args[i], value) },
                "--seed" => options with { Seed = (ulong)PositiveInt(args[i], value) },
                _ => throw new InputException("command line", null, $"unknown option {args[i]}"),
            };
            i++;
        }
        return options;
    }

    internal static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InputException("command line", null, $"{option} {value}: expected a positive integer");
}
