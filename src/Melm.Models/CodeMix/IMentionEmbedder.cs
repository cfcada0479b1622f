namespace Melm.Models.CodeMix;

/// <summary>Turns mentions (lists of words) of one language into vectors for cosine nearest neighbours.</summary>
public interface IMentionEmbedder
{
    /// <summary>What the vectors are, for summaries ("aligned word vectors (MUSE)", "encoder states ...").</summary>
    string Description { get; }

    /// <summary>One vector per mention, all of one length, or null for a mention the embedder knows nothing about.</summary>
    IReadOnlyList<float[]?> Embed(string language, IReadOnlyList<IReadOnlyList<string>> mentions);
}
