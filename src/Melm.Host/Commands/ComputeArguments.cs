using System.CommandLine;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;

namespace Melm.Host.Commands;

/// <summary>The options every model command shares: `--device`, `--threads`, `--precision`.</summary>
internal sealed class ComputeArguments
{
    private readonly Option<string> _device = new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
    private readonly Option<int?> _threads = new("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
    private readonly Option<string> _precision = new("--precision") { Description = "fp32 or bf16 (bf16 autocast over fp32 weights).", DefaultValueFactory = _ => "fp32" };

    public void AddTo(Command command)
    {
        command.Options.Add(_device);
        command.Options.Add(_threads);
        command.Options.Add(_precision);
    }

    public ComputeOptions Read(ParseResult parseResult)
    {
        var precision = parseResult.GetValue(_precision)!.Trim().ToLowerInvariant() switch
        {
            "fp32" => Precision.Fp32,
            "bf16" => Precision.Bf16Autocast,
            var other => throw new InputException("--precision", null, $"'{other}' is not known (expected fp32 or bf16)"),
        };
        return new ComputeOptions(parseResult.GetValue(_device)!, precision, parseResult.GetValue(_threads));
    }
}
