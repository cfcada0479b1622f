using Melm.Models.Checkpoints;
using Melm.Models.Nn;
using Melm.Models.Text;

namespace Melm.Host.Tests.Commands;

/// <summary>The demo tokenizer and a small random MLM of its vocabulary, saved as a pretrained folder.</summary>
internal static class TinyPretrained
{
    public static string Save(string path)
    {
        var tokenizer = XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer/sentencepiece.bpe.model"));
        tokenizer.Save(path);
        var config = new RobertaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2,
            IntermediateSize = 32, MaxPositionEmbeddings = 40,
        };
        using var model = new RobertaForMaskedLM(config, seed: 3);
        ModelFolder.Save(model, path);
        return path;
    }
}
