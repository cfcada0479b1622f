using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Nn;
using Melm.Models.Runs;
using Melm.Models.Text;
using Melm.Models.Mlm;
using static TorchSharp.torch;

namespace Melm.Benchmarks.Pipeline;

/// <summary>
/// The benchmark's data and model: the demo sample's training sentences (samples/demo, four
/// languages) and a masked LM of the project's small shape (4 layers, 256 hidden) with random
/// weights and the demo tokenizer, prepared with MELM's markers, both written once to files that
/// every process's MelmItemProcessor loads. Random weights make nonsense rewrites at the cost of
/// real ones.
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

    /// <summary>
    /// Writes the corpus (JSON Lines, which keep ids and languages) and the random small model,
    /// prepared for MELM on the corpus, into <paramref name="work"/>: the inputs of an unfiltered
    /// MELM run of <paramref name="rounds"/> rounds.
    /// </summary>
    public static RunInputs Write(string demo, IReadOnlyList<Sentence> corpus, string work, int rounds, ulong seed)
    {
        var corpusFile = Path.Combine(work, "corpus.jsonl");
        JsonLines.Write(corpus, corpusFile);
        var pretrained = Path.Combine(work, "pretrained");
        var tokenizer = XlmrTokenizer.Load(Path.Combine(demo, "tokenizer"));
        using (var mlm = new RobertaForMaskedLM(RobertaConfig.Small(tokenizer.VocabSize), (long)seed))
            ModelFolder.Save(mlm, pretrained);
        tokenizer.Save(pretrained);
        var model = Path.Combine(work, "model");
        using (var prepared = MelmModel.Prepare(pretrained, corpus, AugmentationMethod.Melm, device: CPU))
            prepared.Save(model);
        return new RunInputs(corpusFile, model, AugmentationMethods.Name(AugmentationMethod.Melm), TaggerFolder: null, new GenerationOptions(Rounds: rounds, Seed: seed));
    }
}
