using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Models.Tests.Runs;

public class RunOutputTests
{
    private static readonly RunInputs Inputs = new("/corpus.txt", "/model", "melm", null, new GenerationOptions(Rounds: 2, Seed: 1));
    private static readonly RunSpec Spec = new("r", Inputs, ShardSize: 2, ["a", "b", "c"], "/out");
    private static readonly GenerationCounts NoCounts = new(0, 0, 0, 0, 0, 0, 0);

    private static Sentence Rewrite(string source, int round, string suffix = "") =>
        new($"{source}#{round}{suffix}", null, [$"{source}{round}{suffix}"], ["O"]) { Provenance = new Provenance(source, round, "test") };

    private static ItemResult Accepted(params Sentence[] sentences) => new(sentences, [], new Dictionary<string, int>(), NoCounts);

    [Fact]
    public void PlanCutsShardsInCorpusOrderTimesRounds()
    {
        var items = WorkPlan.Items(Spec);
        Assert.Equal((2, 4), (Spec.ShardCount, Spec.ItemCount));
        Assert.Equal([new(0, 1), new(1, 1), new(0, 2), new(1, 2)], items.Select(i => i.Key).ToArray());
        Assert.Equal(["c"], items[1].SentenceIds);
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkPlan.Item(Spec, new ItemKey(2, 1)));
    }

    [Fact]
    public void OutputIsInSentenceThenRoundOrderWhateverTheResultOrder()
    {
        var results = new Dictionary<ItemKey, ItemResult>
        {
            [new(1, 2)] = Accepted(Rewrite("c", 2)),
            [new(0, 2)] = Accepted(Rewrite("b", 2), Rewrite("a", 2)),
            [new(1, 1)] = Accepted(),
            [new(0, 1)] = Accepted(Rewrite("b", 1), Rewrite("a", 1), Rewrite("a", 1, "x")),
        };
        var output = RunOutput.Assemble(Spec, results);
        Assert.Equal(["a#1", "a#1x", "a#2", "b#1", "b#2", "c#2"], output.Kept.Select(s => s.Id).ToArray());
    }

    [Fact]
    public void ARewriteEqualToAnEarlierOneOfItsSourceIsADuplicateEvenWhenTheFilterRejectedTheEarlierOne()
    {
        var counts = new GenerationCounts(2, 2, 0, 2, 3, 1, 0);
        var results = new Dictionary<ItemKey, ItemResult>
        {
            // Round 1 of "a" was rejected by the filter; round 2 made the same words.
            [new(0, 1)] = new([Rewrite("b", 1)], [Rewrite("a", 1)], new Dictionary<string, int> { ["identical_to_source"] = 1 }, counts),
            [new(0, 2)] = new([Rewrite("a", 2) with { Tokens = ["a1"] }, Rewrite("b", 2)], [], new Dictionary<string, int>(), counts),
            [new(1, 1)] = new([], [], new Dictionary<string, int> { ["no_valid_candidate"] = 1 }, counts with { SentencesRead = 1, WithEntities = 1 }),
            [new(1, 2)] = Accepted(Rewrite("c", 2)),
        };
        var output = RunOutput.Assemble(Spec, results);
        Assert.Equal(["b#1", "b#2", "c#2"], output.Kept.Select(s => s.Id).ToArray());
        Assert.Equal(new Dictionary<string, int> { ["identical_to_source"] = 1, ["no_valid_candidate"] = 1, ["duplicate"] = 1, ["filter"] = 1 }, output.Dropped);
        // Sentence figures count each shard once (round 1); rewrite figures add up over every item.
        Assert.Equal(new GenerationCounts(3, 3, 0, 6, 9, 3, 0), output.Counts);
    }

    [Fact]
    public void AMissingItemOrARewriteWithoutItsSourceIsAnError()
    {
        var complete = new Dictionary<ItemKey, ItemResult>
        {
            [new(0, 1)] = Accepted(), [new(1, 1)] = Accepted(), [new(0, 2)] = Accepted(), [new(1, 2)] = Accepted(),
        };
        Assert.Empty(RunOutput.Assemble(Spec, complete).Kept);
        var missing = new Dictionary<ItemKey, ItemResult>(complete);
        missing.Remove(new ItemKey(1, 2));
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, missing));
        var foreign = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = Accepted(Rewrite("a", 1)) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, foreign));
        var wrongRound = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = new([], [Rewrite("c", 2)], new Dictionary<string, int>(), NoCounts) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, wrongRound));
        var noProvenance = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = Accepted(Rewrite("c", 1) with { Provenance = null }) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, noProvenance));
    }

    [Fact]
    public void WriteLeavesTheFilesOfAugmentAndRefusesACorpusThatChanged()
    {
        using var folder = new TempFolder();
        var corpus = folder.Write("corpus.txt", "a\tB-PER\n\nb\tO\n\nc\tB-LOC\n");
        var spec = Spec with { Inputs = Inputs with { CorpusFile = corpus }, OutputFolder = folder.Combine("out"), SentenceIds = ConllReader.Read(corpus).Sentences.Select(s => s.Id).ToArray() };
        var run = new AssembledRun([Rewrite(spec.SentenceIds[0], 1)], new Dictionary<string, int> { ["filter"] = 2 }, new GenerationCounts(3, 2, 1, 4, 4, 0, 0));

        var files = RunOutput.Write(spec, run);

        Assert.Equal(["aug.conll", "aug.jsonl", "train+aug.conll", "summary.json"], files.Select(f => Path.GetFileName(f)).ToArray());
        Assert.Equal(4, ConllReader.Read(files[2]).Sentences.Count);
        Assert.Equal("corpus:01\tO\n\n", File.ReadAllText(files[0]));
        var summary = AugmentationOutput.ReadSummary(spec.OutputFolder);
        Assert.Equal((1, 2, "none", "melm"), (summary.Kept, summary.Dropped["filter"], summary.Filter, summary.Method));
        File.WriteAllText(corpus, "a\tB-PER\n");
        Assert.Contains("no longer holds", Assert.Throws<Diagnostics.InputException>(() => RunOutput.Write(spec, run)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecValidationNamesTheProblem()
    {
        Spec.Validate();
        Assert.Contains("rounds", Assert.Throws<ArgumentException>(() => (Spec with { Inputs = Inputs with { Generation = Inputs.Generation with { Rounds = 0 } } }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => (Spec with { SentenceIds = ["a", "a"] }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("run id", Assert.Throws<ArgumentException>(() => (Spec with { RunId = "a/b" }).Validate()).Message, StringComparison.Ordinal);
        Assert.True(Spec.SameAs(Spec with { SentenceIds = ["a", "b", "c"] }));
        Assert.False(Spec.SameAs(Spec with { Inputs = Inputs with { Generation = Inputs.Generation with { Seed = 2 } } }));
        Assert.False(Spec.SameAs(Spec with { Inputs = Inputs with { TaggerFolder = "/tagger" } }));
    }

    [Fact]
    public async Task TheDirectLoopRunsEveryItemOnce()
    {
        var processor = new EchoProcessor();
        var output = await RunLoop.RunAsync(Spec, processor, TestContext.Current.CancellationToken);
        Assert.Equal(4, processor.Items.Count);
        Assert.Equal(["a#1", "a#2", "b#1", "b#2", "c#1", "c#2"], output.Kept.Select(s => s.Id).ToArray());
    }

    private sealed class EchoProcessor : IWorkItemProcessor
    {
        public List<ItemKey> Items { get; } = [];

        public Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
        {
            Items.Add(item.Key);
            return Task.FromResult(Accepted([.. item.SentenceIds.Select(id => Rewrite(id, item.Round))]));
        }
    }
}
