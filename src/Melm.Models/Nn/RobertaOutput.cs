using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Feed-forward contraction, dropout, residual, post-LayerNorm (`layer.N.output.*`).</summary>
public sealed class RobertaOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public RobertaOutput(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaOutput))
    {
        dropout = config.HiddenDropoutProb;
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize, device: device, dtype: dtype);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        register_module("dense", dense);
        register_module("LayerNorm", layerNorm);
    }

    public override Tensor forward(Tensor intermediate, Tensor residual)
    {
        using var scope = NewDisposeScope();
        var projected = nn.functional.dropout(Autocast.Linear(intermediate, dense.weight!, dense.bias), dropout, training);
        return layerNorm.forward(projected + residual).MoveToOuterDisposeScope();
    }
}
