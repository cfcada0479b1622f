using Melm.Models.Checkpoints;
using Melm.Models.Nn;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Nn;

/// <summary>The encoder and MLM head against outputs computed in PyTorch, for each checkpoint layout.</summary>
public class RobertaGoldenTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("")]
    [InlineData("sharded")]
    [InlineData("pytorch")]
    public void HiddenStatesMatchGolden(string layout)
    {
        var golden = TinyXlmrGolden.Load();
        using var model = LoadLayout(layout);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = Batch(golden.BatchInputIds);
        var hidden = model.Encode(ids, mask);
        var worst = 0.0;
        for (var s = 0; s < golden.Sentences.Count; s++)
        {
            var expected = golden.Sentences[s].LastHiddenState;
            Assert.Equal(golden.Sentences[s].InputIds, golden.BatchInputIds[s].Take(expected.Length));
            var actual = hidden[s].narrow(0, 0, expected.Length).data<float>().ToArray();
            for (var t = 0; t < expected.Length; t++)
            {
                for (var h = 0; h < expected[t].Length; h++)
                    worst = Math.Max(worst, Math.Abs(actual[t * expected[t].Length + h] - expected[t][h]));
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"layout '{layout}': max |hidden - golden| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"hidden states differ by up to {worst} (layout '{layout}')");
    }

    [Theory]
    [InlineData("")]
    [InlineData("sharded")]
    [InlineData("pytorch")]
    public void MaskedPredictionsMatchGolden(string layout)
    {
        var golden = TinyXlmrGolden.Load();
        using var model = LoadLayout(layout);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = Batch(golden.MaskedBatch());
        var width = ids.shape[1];
        var predictions = golden.Sentences.SelectMany((s, i) => s.Predictions.Select(p => (Flat: i * width + p.Position, Expected: p))).ToList();
        var logits = model.PredictAt(model.Encode(ids, mask), tensor(predictions.Select(p => p.Flat).ToArray()));
        var lse = logits.logsumexp(1, false).data<float>().ToArray();
        var (topValues, topIds) = logits.topk(10, 1);
        var worst = 0.0;
        for (var i = 0; i < predictions.Count; i++)
        {
            var expected = predictions[i].Expected;
            worst = Math.Max(worst, Math.Abs(lse[i] - expected.LogSumExp));
            Assert.Equal(expected.Top10Ids, topIds[i].data<long>().ToArray());
            var values = topValues[i].data<float>().ToArray();
            var first = logits[i].narrow(0, 0, 64).data<float>().ToArray();
            worst = Math.Max(worst, expected.Top10Logits.Zip(values, (e, a) => (double)Math.Abs(e - a)).Max());
            worst = Math.Max(worst, expected.First64Logits.Zip(first, (e, a) => (double)Math.Abs(e - a)).Max());
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"layout '{layout}': max |logit - golden| = {worst:E2} over {predictions.Count} positions");
        Assert.True(worst <= Tolerance, $"MLM outputs differ by up to {worst} (layout '{layout}')");
    }

    internal static RobertaForMaskedLM LoadLayout(string layout) =>
        ModelFolder.LoadMaskedLm(SharedFiles.Require(Path.Combine(TinyXlmrGolden.Folder, layout)));

    internal static (Tensor Ids, Tensor Mask) Batch(long[][] rows)
    {
        var ids = tensor(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
        return (ids, ids.ne(TinyXlmrGolden.PadId).to(ScalarType.Int64));
    }
}
