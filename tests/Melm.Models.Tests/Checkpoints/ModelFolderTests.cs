using Melm.Models.Checkpoints;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Tests.Nn;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Checkpoints;

public class ModelFolderTests
{
    [Fact]
    public void SavedModelReloadsWithIdenticalOutputs()
    {
        using var folder = TinyModels.Scratch();
        using var model = TinyModels.Create(seed: 11);
        ModelFolder.Save(model, folder.Path);
        using var reloaded = ModelFolder.LoadMaskedLm(folder.Path);
        Assert.Equal(model.Config, reloaded.Config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TinyModels.Batch();
        Assert.True(model.Forward(ids, mask).eq(reloaded.Forward(ids, mask)).all().item<bool>());
        Assert.False(File.Exists(folder.File("model.safetensors.partial")));
        var keys = SafetensorsFile.Open(folder.File(ModelFolder.SafetensorsFileName)).Select(t => t.Key).ToList();
        Assert.DoesNotContain(StateDictKeys.DecoderWeight, keys);
        Assert.Contains(StateDictKeys.LmBias, keys);
    }

    [Fact]
    public void FixtureSavedAgainLoadsToTheSameWeights()
    {
        var fixture = SharedFiles.Require(TinyXlmrGolden.Folder);
        using var folder = TinyModels.Scratch();
        using var model = ModelFolder.LoadMaskedLm(fixture);
        ModelFolder.Save(model, folder.Path);
        using var reloaded = ModelFolder.LoadMaskedLm(folder.Path);
        var original = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in reloaded.NamedParameters())
            Assert.True(original[name].eq(parameter).all().item<bool>(), name);
    }

    [Fact]
    public void FolderWithoutConfigIsRefused()
    {
        using var folder = TinyModels.Scratch();
        var e = Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path));
        Assert.Contains(folder.File("config.json"), e.Message, StringComparison.Ordinal);

        var missing = folder.File("nope");
        Assert.Contains(missing, Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownModelTypeAndActivationAreRefusedWithTheFileNamed()
    {
        using var folder = TinyModels.SavedFolder();
        var config = folder.File("config.json");
        var text = File.ReadAllText(config);
        File.WriteAllText(config, text.Replace("\"xlm-roberta\"", "\"bert\"", StringComparison.Ordinal).Replace("\"gelu\"", "\"relu\"", StringComparison.Ordinal));
        var e = Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path));
        Assert.Contains(config, e.Message, StringComparison.Ordinal);
        Assert.Contains("model_type 'bert' is not supported", e.Message, StringComparison.Ordinal);
        Assert.Contains("hidden_act 'relu' is not supported", e.Message, StringComparison.Ordinal);

        File.WriteAllText(config, "{ \"model_type\": ");
        Assert.Contains("not valid JSON", Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongShapeNamesTheKeyAndBothShapes()
    {
        using var folder = TinyModels.SavedFolder();
        var config = folder.File("config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"vocab_size\": 40", "\"vocab_size\": 41", StringComparison.Ordinal));
        var e = Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path));
        Assert.Contains("key roberta.embeddings.word_embeddings.weight: checkpoint has [40, 16], model expects [41, 16]", e.Message, StringComparison.Ordinal);
        Assert.Contains("key lm_head.bias: checkpoint has [40], model expects [41]", e.Message, StringComparison.Ordinal);
        Assert.Contains(folder.File("model.safetensors"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingAndUnexpectedKeysAreRefused()
    {
        using var folder = TinyModels.Scratch();
        using var model = TinyModels.Create();
        ModelFolder.Save(model, folder.Path);
        using (var scope = NewDisposeScope())
        {
            var tensors = model.NamedParameters().Where(p => p.Name != "lm_head.dense.weight").Select(p => (p.Name, (Tensor)p.Parameter))
                .Append(("roberta.encoder.layer.7.attention.self.query.weight", zeros(16, 16)));
            SafetensorsFile.Write(folder.File(ModelFolder.SafetensorsFileName), tensors);
        }
        var e = Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path));
        Assert.Contains("missing key lm_head.dense.weight in model.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected key roberta.encoder.layer.7.attention.self.query.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PoolerPositionIdsAndTiedDecoderAreAcceptedAndDecoderBiasStandsInForLmBias()
    {
        using var folder = TinyModels.Scratch();
        using var model = TinyModels.Create();
        ModelFolder.Save(model, folder.Path);
        using (var scope = NewDisposeScope())
        {
            var tensors = model.NamedParameters()
                .Select(p => (Name: p.Name == StateDictKeys.LmBias ? StateDictKeys.DecoderBias : p.Name, (Tensor)p.Parameter))
                .Append((StateDictKeys.DecoderWeight, model.WordEmbeddingWeight))
                .Append(("roberta.pooler.dense.weight", zeros(16, 16)))
                .Append((StateDictKeys.PositionIds, arange(20, ScalarType.Int64).unsqueeze(0)));
            SafetensorsFile.Write(folder.File(ModelFolder.SafetensorsFileName), tensors);
        }
        using var reloaded = ModelFolder.LoadMaskedLm(folder.Path);
        var bias = reloaded.NamedParameters().Single(p => p.Name == StateDictKeys.LmBias).Parameter;
        var originalBias = model.NamedParameters().Single(p => p.Name == StateDictKeys.LmBias).Parameter;
        Assert.True(bias.eq(originalBias).all().item<bool>());
    }

    [Fact]
    public void HalfPrecisionCheckpointLoadsIntoAFp32ModelAndBf16ModelsLoadToo()
    {
        using var folder = TinyModels.Scratch();
        using var model = TinyModels.Create();
        ModelFolder.Save(model, folder.Path);
        using (var scope = NewDisposeScope())
            SafetensorsFile.Write(folder.File(ModelFolder.SafetensorsFileName), model.NamedParameters().Select(p => (p.Name, p.Parameter.to(ScalarType.Float16))));
        using var fromHalf = ModelFolder.LoadMaskedLm(folder.Path);
        Assert.Equal(ScalarType.Float32, fromHalf.WordEmbeddingWeight.dtype);
        using var expected = model.WordEmbeddingWeight.to(ScalarType.Float16).to(ScalarType.Float32);
        Assert.True(fromHalf.WordEmbeddingWeight.eq(expected).all().item<bool>());

        using var bf16 = ModelFolder.LoadMaskedLm(folder.Path, CPU, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf16.WordEmbeddingWeight.dtype);
        using var scope2 = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TinyModels.Batch();
        var diff = (bf16.Forward(ids, mask).to(ScalarType.Float32) - fromHalf.Forward(ids, mask)).abs().max().item<float>();
        Assert.InRange(diff, 0f, 0.1f);
    }

    [Fact]
    public void FolderWithoutWeightsIsRefused()
    {
        using var folder = TinyModels.SavedFolder();
        File.Delete(folder.File(ModelFolder.SafetensorsFileName));
        var e = Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path));
        Assert.Contains("no weights", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardIndexProblemsNameTheIndex()
    {
        using var folder = TinyModels.SavedFolder();
        File.Move(folder.File(ModelFolder.SafetensorsFileName), folder.File("model-00001-of-00001.safetensors"));
        var index = folder.File(ModelFolder.SafetensorsIndexFile);
        File.WriteAllText(index, """{"weight_map": {"lm_head.bias": "model-00001-of-00001.safetensors", "lm_head.dense.weight": "model-00002-of-00002.safetensors", "x": "../model-00001-of-00001.safetensors"}}""");
        var e = Assert.Throws<InputException>(() => ModelFolder.LoadMaskedLm(folder.Path));
        Assert.Contains("shard model-00002-of-00002.safetensors is listed but not in the folder", e.Message, StringComparison.Ordinal);
        Assert.Contains("must be a file name in the model folder", e.Message, StringComparison.Ordinal);
        Assert.Contains(index, e.Message, StringComparison.Ordinal);
    }
}
