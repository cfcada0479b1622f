using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>One post-LayerNorm transformer block (`roberta.encoder.layer.N.*`).</summary>
public sealed class RobertaLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly RobertaAttention attention;
    private readonly RobertaIntermediate intermediate;
    private readonly RobertaOutput output;

    public RobertaLayer(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaLayer))
    {
        attention = new RobertaAttention(config, device, dtype);
        intermediate = new RobertaIntermediate(config, device, dtype);
        output = new RobertaOutput(config.IntermediateSize, config, device, dtype);
        register_module("attention", attention);
        register_module("intermediate", intermediate);
        register_module("output", output);
    }

    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, maskBias);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
