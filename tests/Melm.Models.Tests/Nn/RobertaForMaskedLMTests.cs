using Melm.Models.Checkpoints;
using Melm.Models.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Nn;

public class RobertaForMaskedLMTests
{
    [Fact]
    public void ParameterNamesAreTheHuggingFaceKeys()
    {
        using var model = TinyModels.Create();
        var names = model.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("roberta.embeddings.word_embeddings.weight", names);
        Assert.Contains("roberta.embeddings.LayerNorm.weight", names);
        Assert.Contains("roberta.encoder.layer.0.attention.self.query.weight", names);
        Assert.Contains("roberta.encoder.layer.1.attention.output.dense.weight", names);
        Assert.Contains("roberta.encoder.layer.0.intermediate.dense.weight", names);
        Assert.Contains("roberta.encoder.layer.1.output.LayerNorm.bias", names);
        Assert.Contains("lm_head.dense.weight", names);
        Assert.Contains("lm_head.layer_norm.weight", names);
        Assert.Contains("lm_head.bias", names);
        Assert.DoesNotContain("lm_head.decoder.weight", names);
        // 5 embedding tensors, 16 per layer, 5 in the head.
        Assert.Equal(5 + 16 * 2 + 5, names.Count);
    }

    [Fact]
    public void ParameterNamesMatchTheFixtureCheckpoint()
    {
        var path = SharedFiles.Require("fixtures/tiny-xlmr/model.safetensors");
        var stored = SafetensorsFile.Open(path).Select(t => t.Key)
            .Where(k => !k.StartsWith("roberta.pooler.", StringComparison.Ordinal) && k != "roberta.embeddings.position_ids")
            .Order(StringComparer.Ordinal);
        using var model = new RobertaForMaskedLM(ModelFolder.ReadConfig(Path.GetDirectoryName(path)!), 0);
        Assert.Equal(stored, model.NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PositionIdsCountFromPadPlusOneAndSkipPads()
    {
        using var ids = tensor(new long[] { 0, 5, 6, 2, 1, 1, 0, 1, 7, 2, 1, 1 }, 2, 6);
        using var positions = RobertaEmbeddings.PositionIds(ids, 1);
        Assert.Equal(new long[] { 2, 3, 4, 5, 1, 1, 2, 1, 3, 4, 1, 1 }, positions.data<long>().ToArray());
    }

    [Fact]
    public void PredictingAtPositionsGivesTheSameRowsAsPredictingEverywhere()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TinyModels.Batch();
        var hidden = model.Encode(ids, mask);
        var all = model.PredictAll(hidden);
        var predictMask = zeros(2, 6, ScalarType.Bool);
        predictMask[0, 2] = true;
        predictMask[1, 1] = true;
        var some = model.PredictMasked(hidden, predictMask);
        Assert.Equal([2L, 40L], some.shape);
        Assert.True(allclose(some[0], all[0, 2], 1e-5, 1e-6));
        Assert.True(allclose(some[1], all[1, 1], 1e-5, 1e-6));
        Assert.True(allclose(model.Forward(ids, mask, predictMask), some, 1e-5, 1e-6));
    }

    [Fact]
    public void PaddingDoesNotChangeTheTokensOutputs()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TinyModels.Batch();
        var batched = model.Encode(ids, mask);
        var alone = tensor(new long[] { 0, 9, 10, 2 }, 1, 4);
        var single = model.Encode(alone, ones_like(alone));
        Assert.True(allclose(batched[1].narrow(0, 0, 4), single[0], 1e-5, 1e-5));
    }

    [Fact]
    public void GradientsReachTheTiedEmbeddingsThroughTheDecoder()
    {
        using var model = TinyModels.Create();
        model.train();
        using var scope = NewDisposeScope();
        var (ids, mask) = TinyModels.Batch();
        var logits = model.Forward(ids, mask, ids.eq(6));
        var loss = nn.functional.cross_entropy(logits, tensor(new long[] { 6 }));
        loss.backward();
        var grad = model.WordEmbeddingWeight.grad!;
        // Token 30 never occurs in the input, so only the decoder gives its row a gradient.
        Assert.True(grad[30].abs().sum().item<float>() > 0);
        var query = model.NamedParameters().Single(p => p.Name == "roberta.encoder.layer.0.attention.self.query.weight").Parameter;
        Assert.True(query.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void AddedTokensStartAsTheMeanOfTheirRowsAndStayTied()
    {
        using var model = TinyModels.Create();
        using var grown = model.WithAddedTokens([[5, 6], [7]]);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Equal(42, grown.Config.VocabSize);
        var old = model.WordEmbeddingWeight;
        var rows = grown.WordEmbeddingWeight;
        Assert.True(allclose(rows[40], (old[5] + old[6]) / 2, 1e-6, 1e-7));
        Assert.True(allclose(rows[41], old[7], 1e-6, 1e-7));
        Assert.True(allclose(rows.narrow(0, 0, 40), old));
        var bias = grown.NamedParameters().Single(p => p.Name == StateDictKeys.LmBias).Parameter;
        Assert.Equal([42L], bias.shape);

        var (ids, mask) = TinyModels.Batch();
        var before = model.Forward(ids, mask);
        var after = grown.Forward(ids, mask);
        Assert.Equal([2L, 6L, 42L], after.shape);
        Assert.True(allclose(after.narrow(2, 0, 40), before, 1e-5, 1e-6));

        grown.WordEmbeddingWeight[41] = zeros(16);
        var tiedLogit = grown.Forward(ids, mask)[0, 0, 41].item<float>();
        Assert.Equal(0f, tiedLogit, 1e-6f);
    }

    [Fact]
    public void AddedTokensNeedRowsInsideTheVocabulary()
    {
        using var model = TinyModels.Create();
        Assert.Throws<ArgumentException>(() => model.WithAddedTokens([[]]));
        Assert.Throws<ArgumentException>(() => model.WithAddedTokens([[40]]));
    }

    [Fact]
    public void SameSeedSameWeights()
    {
        using var a = TinyModels.Create(seed: 3);
        using var b = TinyModels.Create(seed: 3);
        using var c = TinyModels.Create(seed: 4);
        Assert.True(a.WordEmbeddingWeight.eq(b.WordEmbeddingWeight).all().item<bool>());
        Assert.False(a.WordEmbeddingWeight.eq(c.WordEmbeddingWeight).all().item<bool>());
        Assert.Equal(0f, a.WordEmbeddingWeight[1].abs().sum().item<float>());
    }

    [Fact]
    public void Bf16AutocastStaysCloseToFp32()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TinyModels.Batch();
        var fp32 = model.Forward(ids, mask);
        model.Precision = Precision.Bf16Autocast;
        var bf16 = model.Forward(ids, mask);
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        var diff = (bf16 - fp32).abs().max().item<float>();
        Assert.InRange(diff, 1e-7f, 0.05f);
    }

    [Fact]
    public void TooLongInputIsRefused()
    {
        using var model = TinyModels.Create();
        using var ids = ones(1, 19, ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.Encode(ids, ids));
        Assert.Contains("at most 18", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveTensorCountStaysFlatOverManyForwardPasses()
    {
        using var model = TinyModels.Create();
        var (ids, mask) = TinyModels.Batch();
        using var predictMask = ids.eq(7);
        using (ids)
        using (mask)
        {
            void Step()
            {
                using var noGrad = no_grad();
                using var logits = model.Forward(ids, mask, predictMask);
            }
            for (var i = 0; i < 5; i++)
                Step();
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (var i = 0; i < 200; i++)
                Step();
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }
}
