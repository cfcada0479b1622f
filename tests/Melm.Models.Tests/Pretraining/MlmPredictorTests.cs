using Melm.Models.Pretraining;
using Melm.Models.Tests.Nn;
using Melm.Models.Text;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.Pretraining;

public class MlmPredictorTests
{
    [Fact]
    public void ReproducesTheGoldenTopTenAndLogSumExp()
    {
        var golden = TinyXlmrGolden.Load();
        var tokenizer = XlmrTokenizer.Load(SharedFiles.Require(TinyXlmrGolden.Folder));
        using var model = RobertaGoldenTests.LoadLayout("");
        // Lines of different lengths in batches of two: padding must not change the predictions.
        var queries = golden.Sentences.Select((s, i) => new MlmQuery(i + 1, s.MaskedInputIds)).ToList();

        var predictions = MlmPredictor.Predict(model, tokenizer, queries, 10, withHidden: false, batchSize: 2).ToList();

        Assert.Equal(golden.Sentences.Count, predictions.Count);
        var worst = 0.0;
        for (var s = 0; s < golden.Sentences.Count; s++)
        {
            var expected = golden.Sentences[s].Predictions;
            Assert.Equal(s + 1, predictions[s].Line);
            Assert.Null(predictions[s].Hidden);
            Assert.Equal(expected.Select(p => p.Position), predictions[s].Masks.Select(m => m.Position));
            foreach (var (want, got) in expected.Zip(predictions[s].Masks))
            {
                Assert.Equal(want.Top10Ids, got.Top.Select(t => (long)t.Id));
                Assert.Equal(got.Top.Select(t => tokenizer.IdToPiece(t.Id)), got.Top.Select(t => t.Piece));
                worst = Math.Max(worst, Math.Abs(want.LogSumExp - got.LogSumExp));
                worst = Math.Max(worst, want.Top10Logits.Zip(got.Top, (e, a) => (double)Math.Abs(e - a.Logit)).Max());
            }
        }
        Assert.True(worst <= 1e-4, $"logits differ by up to {worst}");
    }

    [Fact]
    public void GivesTheHiddenStateAndAnEmptyListWithoutMasks()
    {
        var golden = TinyXlmrGolden.Load();
        var tokenizer = XlmrTokenizer.Load(SharedFiles.Require(TinyXlmrGolden.Folder));
        using var model = RobertaGoldenTests.LoadLayout("");
        var queries = golden.Sentences.Select((s, i) => new MlmQuery(i + 1, s.InputIds)).ToList();

        var predictions = MlmPredictor.Predict(model, tokenizer, queries, 3, withHidden: true).ToList();

        var worst = 0.0;
        for (var s = 0; s < queries.Count; s++)
        {
            Assert.Empty(predictions[s].Masks);
            var expected = golden.Sentences[s].LastHiddenState;
            var hidden = predictions[s].Hidden!;
            Assert.Equal(expected.Length, hidden.Length);
            for (var t = 0; t < expected.Length; t++)
                worst = Math.Max(worst, expected[t].Zip(hidden[t], (e, a) => (double)Math.Abs(e - a)).Max());
        }
        Assert.True(worst <= 1e-4, $"hidden states differ by up to {worst}");
    }
}
