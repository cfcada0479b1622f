using Melm.Models.Checkpoints;
using Melm.Models.Nn;
using Melm.Models.Tests;
using Melm.Models.Text;

namespace Melm.Host.Tests.Commands;

/// <summary>Small random masked LMs over the demo tokenizer, saved as pretrained folders: every model command runs on them in seconds.</summary>
internal static class TinyModels
{
    public static string PretrainedFolder(TempFolder folder, int seed = 3)
    {
        var path = Path.Combine(folder.Path, "pretrained");
        var tokenizer = XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer/sentencepiece.bpe.model"));
        tokenizer.Save(path);
        var config = new RobertaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2,
            IntermediateSize = 32, MaxPositionEmbeddings = 40,
        };
        using var model = new RobertaForMaskedLM(config, seed: seed);
        ModelFolder.Save(model, path);
        return path;
    }
}
