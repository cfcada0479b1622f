using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// The masked-LM head (`lm_head.dense`, `lm_head.layer_norm`, `lm_head.bias`): dense, GELU,
/// LayerNorm, then the decoder, whose weight is the word-embedding matrix passed in (tied).
/// </summary>
public sealed class RobertaLmHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm layerNorm;
    private readonly Parameter bias;

    public RobertaLmHead(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaLmHead))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        bias = new Parameter(zeros(config.VocabSize, dtype: dtype, device: device));
        register_module("dense", dense);
        register_module("layer_norm", layerNorm);
        register_parameter("bias", bias);
    }

    /// <param name="features">[..., hidden]: only the positions that need a prediction.</param>
    /// <param name="decoderWeight">[vocab, hidden]: the word embeddings.</param>
    /// <returns>[..., vocab] logits.</returns>
    public override Tensor forward(Tensor features, Tensor decoderWeight)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.gelu(Autocast.Linear(features, dense.weight!, dense.bias));
        x = layerNorm.forward(x);
        return Autocast.Linear(x, decoderWeight, bias).MoveToOuterDisposeScope();
    }
}
