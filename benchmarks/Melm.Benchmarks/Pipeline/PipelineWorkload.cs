using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Nn;
using Melm.Models.Text;
using static TorchSharp.torch;

namespace Melm.Benchmarks.Pipeline;

/// <summary>
/// The benchmark's data and model: the demo sample's training sentences (samples/demo, four
/// languages) and a masked LM of the project's small shape (4 layers, 256 hidden) with random
/// weights and the demo tokenizer, written once to a folder that every process loads. Random
/// weights make nonsense rewrites at the cost of real ones.
/// </summary>
public static class PipelineWorkload
{
    private static readonly string[] Languages = ["de", "en", "es", "nl"];

    /// <summary>The repository's samples/demo folder, found above the executable.</summary>
    public static string DemoFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Melm.sln")))
                return Path.Combine(dir.FullName, "samples", "demo");
        }
        throw new InvalidOperationException("samples/demo not found: run the benchmark from the repository's build output");
    }

    /// <summary>The training sentences of every language, ids prefixed by their language as `melm demo` does.</summary>
    public static IReadOnlyList<Sentence> Corpus(string demo) =>
        [.. Languages.SelectMany(lang => CorpusFile.Read(Path.Combine(demo, lang, "train.txt")).Sentences
            .Select(s => s with { Id = $"{lang}-{s.Id}", Lang = lang }))];

    /// <summary>Writes the random small model with the demo tokenizer into the folder.</summary>
    public static void WriteModel(string demo, string folder, long seed)
    {
        var tokenizer = XlmrTokenizer.Load(Path.Combine(demo, "tokenizer"));
        using var model = new RobertaForMaskedLM(RobertaConfig.Small(tokenizer.VocabSize), seed);
        ModelFolder.Save(model, folder);
        tokenizer.Save(folder);
    }

    /// <summary>The model prepared for MELM on the corpus (markers added) and its generation loop.</summary>
    public static GenerationProcessor Processor(string modelFolder, IReadOnlyList<Sentence> corpus, ulong seed) =>
        new(MelmModel.Prepare(modelFolder, corpus, AugmentationMethod.Melm, device: CPU), new GenerationOptions(Seed: seed), corpus);
}
