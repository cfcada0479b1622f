using Melm.Testing;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Actors.Tests.Support;

/// <summary>A small corpus and a run over it: 23 sentences in shards of 4 (6 shards), 3 rounds, 18 items.</summary>
public static class TestRuns
{
    public static IReadOnlyList<Sentence> Corpus { get; } = Enumerable.Range(0, 23)
        .Select(i => new Sentence(
            $"train:{i}",
            i % 3 == 0 ? "de" : "en",
            ["word", $"w{i}", "Anna", "Berlin", "ende"],
            i % 5 == 4 ? ["O", "O", "O", "O", "O"] : ["O", "O", "B-PER", "B-LOC", "O"]))
        .ToArray();

    /// <summary>The run's spec alone, for tests that never run its items.</summary>
    public static RunSpec Spec(string outputFolder, string runId = "run-1", ulong seed = 42) =>
        new(runId,
            new RunInputs(outputFolder + ".corpus.jsonl", outputFolder + ".model", "melm", null, new GenerationOptions(Rounds: 3, Seed: seed)),
            ShardSize: 4,
            Corpus.Select(s => s.Id).ToArray(),
            outputFolder);

    /// <summary>The spec with both preparation stages: the filter's tagger into outputFolder.tagger, then fine-tuning into its model folder.</summary>
    public static RunSpec Prepared(RunSpec spec) => spec with
    {
        Inputs = spec.Inputs with { TaggerFolder = spec.OutputFolder + ".tagger" },
        Preparation = new RunPreparation(
            new FilterTaggerJob(spec.Inputs.ModelFolder + ".pretrained", spec.OutputFolder + ".dev.conll", new Melm.Models.Ner.NerTrainingOptions { Seed = spec.Seed }),
            new FineTuneJob(spec.Inputs.ModelFolder + ".pretrained", null, new FineTuneOptions(Seed: spec.Seed), [])),
    };

    /// <summary>A spec whose inputs exist in the folder (the corpus file and a model folder), output to folder/out.</summary>
    public static RunSpec InFolder(TempFolder folder, string runId = "run-1", ulong seed = 42)
    {
        var spec = Spec(folder.Combine("out"), runId, seed);
        JsonLines.Write(Corpus, spec.Inputs.CorpusFile);
        Directory.CreateDirectory(spec.Inputs.ModelFolder);
        return spec;
    }

    /// <summary>The bytes the actors must reproduce: the direct loop's output as JSON Lines.</summary>
    public static byte[] DirectOutput(RunSpec spec) =>
        JsonLines.Serialize(RunOutput.Assemble(spec, Corpus, RunLoop.RunAsync(spec, new UpperCaseProcessor(TimeSpan.Zero)).GetAwaiter().GetResult()).Outcome.Kept.Select(r => r.Sentence));

    /// <summary>The output file the actors wrote.</summary>
    public static byte[] WrittenOutput(RunSpec spec) => File.ReadAllBytes(Path.Combine(spec.OutputFolder, AugmentationOutput.AugmentedJsonLines));
}
