using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Attention output projection, dropout, residual, post-LayerNorm (`attention.output.*`).</summary>
public sealed class RobertaSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public RobertaSelfOutput(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaSelfOutput))
    {
        dropout = config.HiddenDropoutProb;
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        register_module("dense", dense);
        register_module("LayerNorm", layerNorm);
    }

    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var scope = NewDisposeScope();
        var projected = nn.functional.dropout(Autocast.Linear(hidden, dense.weight!, dense.bias), dropout, training);
        return layerNorm.forward(projected + residual).MoveToOuterDisposeScope();
    }
}
