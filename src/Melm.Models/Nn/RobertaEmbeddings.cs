using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// Word + position + token-type embeddings, then LayerNorm and dropout (`roberta.embeddings.*`).
/// Positions count from pad_token_id + 1 over non-pad tokens, as fairseq and transformers do.
/// </summary>
public sealed class RobertaEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wordEmbeddings;
    private readonly Embedding positionEmbeddings;
    private readonly Embedding tokenTypeEmbeddings;
    private readonly LayerNorm layerNorm;
    private readonly RobertaConfig config;

    public RobertaEmbeddings(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaEmbeddings))
    {
        this.config = config;
        wordEmbeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId, device: device, dtype: dtype);
        positionEmbeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, padding_idx: config.PadTokenId, device: device, dtype: dtype);
        tokenTypeEmbeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize, device: device, dtype: dtype);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        register_module("word_embeddings", wordEmbeddings);
        register_module("position_embeddings", positionEmbeddings);
        register_module("token_type_embeddings", tokenTypeEmbeddings);
        register_module("LayerNorm", layerNorm);
    }

    /// <summary>The word-embedding matrix, which the LM head's decoder shares.</summary>
    public Parameter WordEmbeddingWeight => wordEmbeddings.weight!;

    /// <summary>pad_token_id + (1-based index among non-pad tokens), pad_token_id at pads.</summary>
    public static Tensor PositionIds(Tensor inputIds, long padTokenId)
    {
        using var scope = NewDisposeScope();
        // The pad id as a Scalar this method holds until the end: an implicit one could be collected
        // while libtorch reads it ("Scalar toLong", seen in a full test run; see KeptScalars).
        using var pad = padTokenId.ToScalar();
        var notPad = inputIds.ne(pad).to(ScalarType.Int64);
        var positions = KeptScalars.Plus(notPad.cumsum(1) * notPad, pad);
        return positions.MoveToOuterDisposeScope();
    }

    /// <param name="inputIds">[batch, tokens] int64 ids.</param>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var positionIds = PositionIds(inputIds, config.PadTokenId);
        var tokenTypes = zeros_like(inputIds);
        var sum = KeptScalars.Plus(KeptScalars.Plus(wordEmbeddings.forward(inputIds), tokenTypeEmbeddings.forward(tokenTypes)), positionEmbeddings.forward(positionIds));
        var normed = layerNorm.forward(sum);
        return nn.functional.dropout(normed, config.HiddenDropoutProb, training).MoveToOuterDisposeScope();
    }
}
