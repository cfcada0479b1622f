using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Feed-forward expansion with exact (erf) GELU (`layer.N.intermediate.dense`).</summary>
public sealed class RobertaIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public RobertaIntermediate(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device, dtype: dtype);
        register_module("dense", dense);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return nn.functional.gelu(Autocast.Linear(hidden, dense.weight!, dense.bias)).MoveToOuterDisposeScope();
    }
}
