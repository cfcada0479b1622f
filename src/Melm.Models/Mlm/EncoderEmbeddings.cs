using Melm.Models.Nn;
using Melm.Models.Text;
using Melm.Models.Diagnostics;
using Melm.Models.CodeMix;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>
/// The fallback when no aligned vectors are given: a mention's vector is the mean of the MLM's last
/// hidden states over its subwords, the mention encoded alone as a short sentence
/// (&lt;s&gt; words &lt;/s&gt;, the specials left out of the mean). XLM-R's space is shared across
/// languages, though less aligned than MUSE, which summaries say. Words the tokenizer cannot
/// encode are left out; a mention with no encodable word, or longer than the model's positions, has no vector.
/// </summary>
/// <param name="progress">Receives a "encode mentions (LANG)" update per batch: with XLM-R on a CPU this step takes minutes.</param>
public sealed class EncoderEmbeddings(RobertaForMaskedLM model, XlmrTokenizer tokenizer, int batchSize = 64, IProgress<ProgressUpdate>? progress = null) : IMentionEmbedder
{
    public const string FallbackDescription = "encoder states (no aligned vectors given)";

    public string Description => FallbackDescription;

    public IReadOnlyList<float[]?> Embed(string language, IReadOnlyList<IReadOnlyList<string>> mentions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var result = new float[]?[mentions.Count];
        var encoded = new List<(int Mention, IReadOnlyList<int> Ids)>();
        for (var m = 0; m < mentions.Count; m++)
        {
            var words = mentions[m].Where(tokenizer.CanEncode).ToArray();
            if (words.Length == 0)
                continue;
            var ids = tokenizer.EncodeWords(words).InputIds;
            if (ids.Count <= model.Config.MaxSequenceLength)
                encoded.Add((m, ids));
        }
        // A first update at 0 starts the reporter's clock before the first batch, so its rates are real.
        progress?.Report(new ProgressUpdate($"encode mentions ({language})", 0, encoded.Count, "mentions"));
        var done = 0;
        foreach (var batch in encoded.Chunk(batchSize))
        {
            var vectors = MeanPooled(batch.Select(b => b.Ids).ToArray());
            for (var i = 0; i < batch.Length; i++)
                result[batch[i].Mention] = vectors[i];
            done += batch.Length;
            progress?.Report(new ProgressUpdate($"encode mentions ({language})", done, encoded.Count, "mentions"));
        }
        return result;
    }

    private float[][] MeanPooled(IReadOnlyList<int>[] sequences)
    {
        var width = sequences.Max(s => s.Count);
        var ids = new long[sequences.Length * width];
        var attention = new long[ids.Length];
        var pool = new float[ids.Length];
        for (var b = 0; b < sequences.Length; b++)
        {
            var sequence = sequences[b];
            for (var t = 0; t < width; t++)
            {
                var inside = t < sequence.Count;
                ids[b * width + t] = inside ? sequence[t] : XlmrTokenizer.Pad;
                attention[b * width + t] = inside ? 1 : 0;
                pool[b * width + t] = inside && t > 0 && t < sequence.Count - 1 ? 1f / (sequence.Count - 2) : 0f;
            }
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var hidden = model.Encode(tensor(ids, sequences.Length, width), tensor(attention, sequences.Length, width)).to(ScalarType.Float32);
        var weights = tensor(pool, sequences.Length, width, 1).to(hidden.device);
        var pooled = (hidden * weights).sum(1).cpu();
        var flat = pooled.data<float>().ToArray();
        var dimension = (int)pooled.shape[1];
        return Enumerable.Range(0, sequences.Length).Select(b => flat.AsSpan(b * dimension, dimension).ToArray()).ToArray();
    }
}
