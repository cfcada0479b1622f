using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// Projection to the hidden size, dropout, residual, post-LayerNorm: both the attention output
/// (`attention.output.*`, from the hidden size) and the feed-forward output (`layer.N.output.*`,
/// from the intermediate size). Transformers has two identical classes for these; one serves here.
/// </summary>
public sealed class RobertaOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public RobertaOutput(int inputSize, RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaOutput))
    {
        dropout = config.HiddenDropoutProb;
        dense = nn.Linear(inputSize, config.HiddenSize, device: device, dtype: dtype);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        register_module("dense", dense);
        register_module("LayerNorm", layerNorm);
    }

    public override Tensor forward(Tensor input, Tensor residual)
    {
        using var scope = NewDisposeScope();
        var projected = nn.functional.dropout(Autocast.Linear(input, dense.weight!, dense.bias), dropout, training);
        return layerNorm.forward(KeptScalars.Plus(projected, residual)).MoveToOuterDisposeScope();
    }
}
