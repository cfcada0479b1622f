using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Runs;

public class RunOutputTests
{
    private static readonly RunInputs Inputs = new("/corpus.txt", "/model", "melm", null, new GenerationOptions(Rounds: 2, Seed: 1));
    private static readonly RunSpec Spec = new("r", Inputs, ShardSize: 2, ["a", "b", "c"], "/out");
    private static readonly Sentence[] Training = [.. new[] { "a", "b", "c" }.Select(id => new Sentence(id, null, [id], ["B-PER"]))];

    private static Rewrite Rewrite(string source, int round, string suffix = "") =>
        new(new Sentence($"{source}#{round}{suffix}", null, [$"{source}{round}{suffix}"], ["B-PER"]) { Provenance = new Provenance(source, round, "test") }, 1, 0, 0);

    private static ItemResult Passed(int round, params Rewrite[] rewrites) => new(new RoundResult(round, rewrites, []), "test rewrites");

    private static string[] KeptIds(AssembledRun run) => [.. run.Outcome.Kept.Select(r => r.Sentence.Id)];

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
            [new(1, 2)] = Passed(2, Rewrite("c", 2)),
            [new(0, 2)] = Passed(2, Rewrite("b", 2), Rewrite("a", 2)),
            [new(1, 1)] = Passed(1),
            [new(0, 1)] = Passed(1, Rewrite("b", 1), Rewrite("a", 1), Rewrite("a", 1, "x")),
        };
        var output = RunOutput.Assemble(Spec, Training, results);
        Assert.Equal(["a#1", "a#1x", "a#2", "b#1", "b#2", "c#2"], KeptIds(output));
        Assert.Equal("test rewrites", output.Description);
    }

    [Fact]
    public void ARewriteRepeatingAnEarlierKeptOneIsADuplicateButOneRepeatingARefusedOneIsKept()
    {
        var results = new Dictionary<ItemKey, ItemResult>
        {
            // Round 1 of "a" was refused by the filter, round 1 of "b" kept; round 2 made the same words for both.
            [new(0, 1)] = new(new RoundResult(1, [Rewrite("b", 1)], [new DroppedRewrite(Rewrite("a", 1), DropReason.Filter)]), "test rewrites"),
            [new(0, 2)] = Passed(2, Rewrite("a", 1) with { Sentence = Rewrite("a", 1).Sentence with { Id = "a#2", Provenance = new Provenance("a", 2, "test") } },
                Rewrite("b", 1) with { Sentence = Rewrite("b", 1).Sentence with { Id = "b#2", Provenance = new Provenance("b", 2, "test") } }),
            [new(1, 1)] = new(new RoundResult(1, [], [new DroppedRewrite(Rewrite("c", 1), DropReason.NoValidCandidate)]), "test rewrites"),
            [new(1, 2)] = Passed(2, Rewrite("c", 2)),
        };
        var output = RunOutput.Assemble(Spec, Training, results);
        Assert.Equal(["a#2", "b#1", "c#2"], KeptIds(output));
        Assert.Equal(
            [("a#1", DropReason.Filter), ("b#2", DropReason.Duplicate), ("c#1", DropReason.NoValidCandidate)],
            output.Outcome.Dropped.Select(d => (d.Rewrite.Sentence.Id, d.Reason)).ToArray());
    }

    [Fact]
    public void AMissingItemOrARewriteWithoutItsSourceIsAnError()
    {
        var complete = new Dictionary<ItemKey, ItemResult>
        {
            [new(0, 1)] = Passed(1), [new(1, 1)] = Passed(1), [new(0, 2)] = Passed(2), [new(1, 2)] = Passed(2),
        };
        Assert.Empty(RunOutput.Assemble(Spec, Training, complete).Outcome.Kept);
        var missing = new Dictionary<ItemKey, ItemResult>(complete);
        missing.Remove(new ItemKey(1, 2));
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, Training, missing));
        var foreign = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = Passed(1, Rewrite("a", 1)) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, Training, foreign));
        var wrongRound = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = new(new RoundResult(1, [], [new DroppedRewrite(Rewrite("c", 2), DropReason.Filter)]), "test rewrites") };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, Training, wrongRound));
        var noProvenance = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = Passed(1, Rewrite("c", 1) with { Sentence = Rewrite("c", 1).Sentence with { Provenance = null } }) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, Training, noProvenance));
        var otherRewriter = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = Passed(1) with { Description = "another" } };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, Training, otherRewriter));
    }

    [Fact]
    public void WriteLeavesTheFilesOfAugmentAndRefusesACorpusThatChanged()
    {
        using var folder = new TempFolder();
        var corpus = folder.Write("corpus.txt", "a\tB-PER\n\nb\tO\n\nc\tB-LOC\n");
        var ids = ConllReader.Read(corpus).Sentences.Select(s => s.Id).ToArray();
        var spec = Spec with { Inputs = Inputs with { CorpusFile = corpus }, OutputFolder = folder.Combine("out"), SentenceIds = ids };
        var refused = new DroppedRewrite(Rewrite(ids[2], 1), DropReason.Filter);
        var results = new Dictionary<ItemKey, ItemResult>
        {
            [new(0, 1)] = Passed(1, Rewrite(ids[0], 1)), [new(1, 1)] = new(new RoundResult(1, [], [refused]), "test rewrites"),
            [new(0, 2)] = Passed(2), [new(1, 2)] = Passed(2),
        };

        var files = RunOutput.Write(spec, results);

        Assert.Equal(["aug.conll", "aug.jsonl", "train+aug.conll", "train+aug.jsonl", "summary.json"], files.Select(f => Path.GetFileName(f)).ToArray());
        Assert.Equal(4, ConllReader.Read(files[2]).Sentences.Count);
        Assert.Equal("corpus:01\tB-PER\n\n", File.ReadAllText(files[0]));
        var summary = AugmentationOutput.ReadSummary(spec.OutputFolder)!;
        Assert.Equal((1, 1, 2, "none", "melm", "test rewrites"), (summary.Kept, summary.Dropped["filter"], summary.RewritesMade, summary.Filter, summary.Method, summary.Description));
        File.WriteAllText(corpus, "a\tB-PER\n");
        Assert.Contains("no longer holds", Assert.Throws<Diagnostics.InputException>(() => RunOutput.Write(spec, results)).Message, StringComparison.Ordinal);
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
        var results = await RunLoop.RunAsync(Spec, processor, TestContext.Current.CancellationToken);
        Assert.Equal(4, processor.Items.Count);
        Assert.Equal(["a#1", "a#2", "b#1", "b#2", "c#1", "c#2"], KeptIds(RunOutput.Assemble(Spec, Training, results)));
    }

    [Fact]
    public async Task TheDirectLoopRunsTheStagesFirstInOrder()
    {
        var processor = new EchoProcessor();
        var preparation = new RunPreparation(
            new FilterTaggerJob("encoder", "dev.conll", new Melm.Models.Ner.NerTrainingOptions { Seed = 1 }),
            new FineTuneJob("pretrained", null, new Melm.Models.Augmentation.FineTuneOptions(), []));
        var spec = Spec with { Inputs = Spec.Inputs with { Method = "melm", TaggerFolder = "tagger" }, Preparation = preparation };
        await RunLoop.RunAsync(spec, processor, TestContext.Current.CancellationToken);
        Assert.Equal([StageNames.FilterTagger, StageNames.FineTune], processor.Stages);
        Assert.Equal(4, processor.Items.Count);
    }

    private sealed class EchoProcessor : IWorkItemProcessor
    {
        public List<ItemKey> Items { get; } = [];

        public Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
        {
            Items.Add(item.Key);
            return Task.FromResult(Passed(item.Round, [.. item.SentenceIds.Select(id => Rewrite(id, item.Round))]));
        }

        public List<string> Stages { get; } = [];

        public Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
        {
            Assert.Empty(Items);
            Stages.Add(job.Stage);
            return Task.FromResult(new StageOutcome([], job.Stage));
        }
    }
}
