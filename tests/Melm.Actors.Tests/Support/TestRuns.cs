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
            ["O", "O", "B-PER", "B-LOC", "O"]))
        .ToArray();

    public static RunSpec Spec(string outputFolder, string runId = "run-1", ulong seed = 42) =>
        new(runId, seed, Rounds: 3, ShardSize: 4, Corpus.Select(s => s.Id).ToArray(), outputFolder);

    /// <summary>The bytes the actors must reproduce: the direct loop's output as JSON Lines.</summary>
    public static byte[] DirectOutput(RunSpec spec) =>
        JsonLines.Serialize(RunLoop.RunAsync(spec, new UpperCaseProcessor(Corpus)).GetAwaiter().GetResult());
}
