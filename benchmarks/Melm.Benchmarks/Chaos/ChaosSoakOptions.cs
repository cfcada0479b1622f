using System.Globalization;
using Melm.Benchmarks.Pipeline;
using Melm.Models.Diagnostics;

namespace Melm.Benchmarks.Chaos;

/// <summary>
/// Options of `chaos`: sentences drawn from the CoNLL training files, sentences per item, rounds, the seed of
/// the draw, the run and the kill schedule, the gap between kills (a uniform draw between the two),
/// the split-brain resolver's down-after, CPU threads per process, how long to wait in all, and a
/// folder to copy the nodes' logs into (the work folder is deleted).
/// </summary>
public sealed record ChaosSoakOptions(
    int Sentences = 10_000, int ShardSize = 32, int Rounds = 1, ulong Seed = 1, int MinGapSeconds = 20, int MaxGapSeconds = 40,
    int DownAfterSeconds = 5, int Threads = 1, int TimeoutMinutes = 120, string? Conll = null, string? Logs = null)
{
    public const string Usage = "chaos [--sentences N] [--shard N] [--rounds N] [--seed N] [--gap MIN-MAX] [--down-after S] [--threads N] [--timeout-min N] [--conll DIR] [--logs DIR]";

    public static ChaosSoakOptions Parse(string[] args)
    {
        var options = new ChaosSoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new InputException("command line", null, $"{args[i]} needs a value");
            options = args[i] switch
            {
                "--sentences" => options with { Sentences = PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--shard" => options with { ShardSize = PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--rounds" => options with { Rounds = PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--seed" => options with { Seed = (ulong)PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--gap" => Gap(options, value),
                "--down-after" => options with { DownAfterSeconds = PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--threads" => options with { Threads = PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--timeout-min" => options with { TimeoutMinutes = PipelineBenchmarkOptions.PositiveInt(args[i], value) },
                "--conll" => options with { Conll = value },
                "--logs" => options with { Logs = value },
                _ => throw new InputException("command line", null, $"unknown option {args[i]}"),
            };
            i++;
        }
        return options;
    }

    private static ChaosSoakOptions Gap(ChaosSoakOptions options, string value)
    {
        var parts = value.Split('-');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            || min < 1 || max < min)
            throw new InputException("command line", null, $"--gap {value}: expected MIN-MAX seconds, such as 20-40");
        return options with { MinGapSeconds = min, MaxGapSeconds = max };
    }
}
