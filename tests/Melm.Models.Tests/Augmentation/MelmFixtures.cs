using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Nn;
using Melm.Models.Tests.Nn;
using Melm.Models.Text;

namespace Melm.Models.Tests.Augmentation;

/// <summary>A pretrained-looking folder (the demo tokenizer and a small random MLM) and demo sentences, for MELM tests that need no shared files.</summary>
internal static class MelmFixtures
{
    public static string DemoTokenizer => SharedFiles.Repository("samples/demo/tokenizer/sentencepiece.bpe.model");

    /// <summary>
    /// A model folder with the demo tokenizer and a random model of its vocabulary. The window of
    /// <paramref name="maxPositions"/> - 2 tokens makes linearized demo sentences need several windows.
    /// </summary>
    public static TinyModels.ScratchFolder PretrainedFolder(int maxPositions = 40, long seed = 11)
    {
        var folder = TinyModels.Scratch();
        var tokenizer = XlmrTokenizer.Load(DemoTokenizer);
        tokenizer.Save(folder.Path);
        var config = TinyModels.Config(tokenizer.VocabSize) with { MaxPositionEmbeddings = maxPositions };
        using var model = new RobertaForMaskedLM(config, seed);
        ModelFolder.Save(model, folder.Path);
        return folder;
    }

    /// <summary>The first <paramref name="count"/> sentences of a demo split.</summary>
    public static IReadOnlyList<Sentence> Demo(string language = "en", string split = "train", int count = 12) =>
        ConllReader.Read(SharedFiles.Repository($"samples/demo/{language}/{split}.txt")).Sentences.Take(count).ToArray();
}
