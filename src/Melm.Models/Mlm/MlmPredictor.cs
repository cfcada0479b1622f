using Melm.Models.Nn;
using Melm.Models.Text;
using Melm.Models.Pretraining;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>Runs a masked LM over <see cref="MlmQuery"/> lines: top-k at every &lt;mask&gt;, optionally the last hidden state.</summary>
public static class MlmPredictor
{
    /// <param name="batchSize">Lines per forward pass (padded to the longest).</param>
    public static IEnumerable<MlmPrediction> Predict(RobertaForMaskedLM model, XlmrTokenizer tokenizer, IReadOnlyList<MlmQuery> queries,
        int topK, bool withHidden, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var k = Math.Min(topK, model.Config.VocabSize);
        for (var start = 0; start < queries.Count; start += batchSize)
        {
            var batch = queries.Skip(start).Take(batchSize).ToList();
            foreach (var prediction in PredictBatch(model, tokenizer, batch, k, withHidden))
                yield return prediction;
        }
    }

    private static List<MlmPrediction> PredictBatch(RobertaForMaskedLM model, XlmrTokenizer tokenizer, List<MlmQuery> batch, int k, bool withHidden)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var width = batch.Max(q => q.InputIds.Length);
        var ids = new long[batch.Count * width];
        var mask = new long[batch.Count * width];
        Array.Fill(ids, (long)XlmrTokenizer.Pad);
        var masked = new List<(int Row, int Position)>();
        for (var b = 0; b < batch.Count; b++)
        {
            var input = batch[b].InputIds;
            Array.Copy(input, 0, ids, b * width, input.Length);
            Array.Fill(mask, 1L, b * width, input.Length);
            for (var t = 0; t < input.Length; t++)
            {
                if (input[t] == tokenizer.Mask)
                    masked.Add((b, t));
            }
        }
        var hidden = model.Encode(tensor(ids, batch.Count, width), tensor(mask, batch.Count, width));
        var masksByRow = batch.Select(_ => new List<MaskPrediction>()).ToList();
        if (masked.Count > 0)
        {
            var logits = model.PredictAt(hidden, tensor(masked.Select(m => (long)(m.Row * width + m.Position)).ToArray())).to(ScalarType.Float32).cpu();
            var logSumExp = logits.logsumexp(1, false).data<float>().ToArray();
            var (topValues, topIds) = logits.topk(k, 1);
            var values = topValues.data<float>().ToArray();
            var indices = topIds.data<long>().ToArray();
            for (var m = 0; m < masked.Count; m++)
            {
                var top = Enumerable.Range(m * k, k).Select(j => new TokenScore((int)indices[j], indices[j] < tokenizer.VocabSize ? tokenizer.IdToPiece((int)indices[j]) : null, values[j])).ToList();
                masksByRow[masked[m].Row].Add(new MaskPrediction(masked[m].Position, top, logSumExp[m]));
            }
        }
        float[]? hiddenValues = withHidden ? hidden.to(ScalarType.Float32).cpu().data<float>().ToArray() : null;
        var size = model.Config.HiddenSize;
        return batch.Select((query, b) => new MlmPrediction(query.Line, masksByRow[b], hiddenValues is null ? null :
            Enumerable.Range(0, query.InputIds.Length).Select(t => hiddenValues.AsSpan((b * width + t) * size, size).ToArray()).ToArray())).ToList();
    }
}
