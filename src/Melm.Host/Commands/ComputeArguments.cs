using System.CommandLine;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;

namespace Melm.Host.Commands;

/// <summary>The options every model command shares: `--device`, `--threads`, `--precision`.</summary>
internal sealed class ComputeArguments
{
    private readonly Option<string> _device = new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
    private readonly Option<int?> _threads = new("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
    private readonly Option<string> _precision = new("--precision") { Description = "fp32, bf16 (bf16 autocast over fp32 weights) or auto (time a bf16 and an fp32 matmul on the device, bf16 where it is at least 1.5x faster).", DefaultValueFactory = _ => "fp32" };

    public void AddTo(Command command)
    {
        command.Options.Add(_device);
        command.Options.Add(_threads);
        command.Options.Add(_precision);
    }

    /// <summary>The precision in words once <see cref="Read"/> has run: "fp32", "bf16", or what auto measured and chose.</summary>
    public string PrecisionNote { get; private set; } = "fp32";

    /// <summary>Whether `--precision auto` was asked for (it is measured on this machine's device).</summary>
    public bool IsAuto(ParseResult parseResult) => parseResult.GetValue(_precision)!.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The options; `--precision auto` is measured here, on the device, and its choice printed to standard error.</summary>
    public ComputeOptions Read(ParseResult parseResult)
    {
        var device = parseResult.GetValue(_device)!;
        var threads = parseResult.GetValue(_threads);
        var text = parseResult.GetValue(_precision)!.Trim().ToLowerInvariant();
        Precision precision;
        switch (text)
        {
            case "fp32":
                precision = Precision.Fp32;
                break;
            case "bf16":
                precision = Precision.Bf16Autocast;
                break;
            case "auto":
                // Timed with the thread count the run will use.
                var choice = PrecisionProbe.Choose(new ComputeOptions(device, Precision.Fp32, threads).Apply("--device"));
                precision = choice.Chosen;
                text = choice.Describe();
                Console.Error.WriteLine($"precision: {text}");
                break;
            default:
                throw new InputException("--precision", null, $"'{text}' is not known (expected fp32, bf16 or auto)");
        }
        PrecisionNote = text;
        return new ComputeOptions(device, precision, threads);
    }
}
