using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Embeddings and encoder (`roberta.*`); no pooler, which a masked LM never uses.</summary>
public sealed class RobertaModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly RobertaEmbeddings embeddings;
    private readonly RobertaEncoder encoder;

    public RobertaModel(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaModel))
    {
        embeddings = new RobertaEmbeddings(config, device, dtype);
        encoder = new RobertaEncoder(config, device, dtype);
        register_module("embeddings", embeddings);
        register_module("encoder", encoder);
    }

    public RobertaEmbeddings Embeddings => embeddings;

    /// <summary>An additive attention mask: 0 for tokens, the dtype's minimum for padding (as transformers).</summary>
    public static Tensor MaskBias(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var keep = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
        var bias = zeros(keep.shape, dtype, keep.device).masked_fill(keep.logical_not(), MinValue(dtype));
        return bias.MoveToOuterDisposeScope();
    }

    /// <param name="inputIds">[batch, tokens] int64.</param>
    /// <param name="attentionMask">[batch, tokens], 1 for tokens and 0 for padding.</param>
    /// <returns>The last hidden state, [batch, tokens, hidden].</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var embedded = embeddings.forward(inputIds);
        var bias = MaskBias(attentionMask, embedded.dtype);
        return encoder.forward(embedded, bias).MoveToOuterDisposeScope();
    }

    private static double MinValue(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => -3.3895313892515355e38,
        ScalarType.Float16 => -65504.0,
        ScalarType.Float64 => double.MinValue,
        _ => float.MinValue,
    };
}
