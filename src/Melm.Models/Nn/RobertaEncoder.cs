using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>The stack of transformer blocks (`roberta.encoder.layer.N`).</summary>
public sealed class RobertaEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<RobertaLayer> layer;

    public RobertaEncoder(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaEncoder))
    {
        layer = new ModuleList<RobertaLayer>(
            Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new RobertaLayer(config, device, dtype)).ToArray());
        register_module("layer", layer);
    }

    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var scope = NewDisposeScope();
        var current = hidden;
        foreach (var block in layer)
            current = block.forward(current, maskBias);
        return current.MoveToOuterDisposeScope();
    }
}
