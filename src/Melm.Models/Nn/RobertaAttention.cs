using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Self-attention plus its output block (`layer.N.attention.*`).</summary>
public sealed class RobertaAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly RobertaSelfAttention self;
    private readonly RobertaOutput output;

    public RobertaAttention(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaAttention))
    {
        self = new RobertaSelfAttention(config, device, dtype);
        output = new RobertaOutput(config.HiddenSize, config, device, dtype);
        register_module("self", self);
        register_module("output", output);
    }

    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var scope = NewDisposeScope();
        return output.forward(self.forward(hidden, maskBias), hidden).MoveToOuterDisposeScope();
    }
}
