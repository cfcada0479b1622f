namespace Melm.Models.Nn;

/// <summary>Hugging Face state-dict keys that code refers to by name.</summary>
public static class StateDictKeys
{
    public const string WordEmbeddings = "roberta.embeddings.word_embeddings.weight";
    public const string PositionEmbeddings = "roberta.embeddings.position_embeddings.weight";
    public const string PositionIds = "roberta.embeddings.position_ids";
    public const string PoolerPrefix = "roberta.pooler.";
    public const string LmBias = "lm_head.bias";
    public const string DecoderWeight = "lm_head.decoder.weight";
    public const string DecoderBias = "lm_head.decoder.bias";
}
