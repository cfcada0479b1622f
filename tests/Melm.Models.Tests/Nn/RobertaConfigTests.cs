using Melm.Models.Checkpoints;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;

namespace Melm.Models.Tests.Nn;

public class RobertaConfigTests
{
    [Fact]
    public void ReadsTheFixtureConfig()
    {
        var config = ModelFolder.ReadConfig(SharedFiles.Require(TinyXlmrGolden.Folder));
        Assert.Equal(RobertaConfig.XlmRobertaType, config.ModelType);
        Assert.Equal(31998, config.VocabSize);
        Assert.Equal((32, 2, 4, 64, 40), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize, config.MaxPositionEmbeddings));
        Assert.Equal(1e-5, config.LayerNormEps);
        Assert.Equal(1, config.PadTokenId);
        Assert.Equal(38, config.MaxSequenceLength);
    }

    [Fact]
    public void WrittenConfigReadsBackEqual()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("config.json");
        var config = RobertaConfig.Small(5000) with { ModelType = RobertaConfig.RobertaType, LayerNormEps = 1e-12 };
        File.WriteAllText(path, config.ToJson());
        Assert.Equal(config, RobertaConfig.Load(path));
        Assert.Contains("\"RobertaForMaskedLM\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void PresetsAreValid()
    {
        Assert.Empty(RobertaConfig.Small(8000).Check("preset"));
        Assert.Empty(RobertaConfig.XlmRobertaBase().Check("preset"));
        Assert.Equal(128, RobertaConfig.Small(8000).MaxSequenceLength);
    }

    [Fact]
    public void BadValuesAreListedTogether()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("config.json");
        File.WriteAllText(path, """{"model_type": "xlm-roberta", "vocab_size": 10, "hidden_size": 30, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": "big", "max_position_embeddings": 2}""");
        var e = Assert.Throws<InputException>(() => RobertaConfig.Load(path));
        Assert.Contains("'intermediate_size' must be an integer", e.Message, StringComparison.Ordinal);

        File.WriteAllText(path, """{"model_type": "xlm-roberta", "vocab_size": 10, "hidden_size": 30, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 8, "max_position_embeddings": 2}""");
        e = Assert.Throws<InputException>(() => RobertaConfig.Load(path));
        Assert.Contains("hidden_size 30 is not a multiple of num_attention_heads 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("max_position_embeddings 2 leaves no positions", e.Message, StringComparison.Ordinal);
        Assert.All(e.Problems, p => Assert.Equal(path, p.Source));
    }
}
