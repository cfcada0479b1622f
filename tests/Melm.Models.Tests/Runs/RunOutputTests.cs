using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Models.Tests.Runs;

public class RunOutputTests
{
    private static readonly RunSpec Spec = new("r", 1, Rounds: 2, ShardSize: 2, ["a", "b", "c"], "/out");

    private static Sentence Rewrite(string source, int round, string suffix = "") =>
        new($"{source}#{round}{suffix}", null, [source + suffix], ["O"]) { Provenance = new Provenance(source, round, "test") };

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
            [new(1, 2)] = new([Rewrite("c", 2)], 0),
            [new(0, 2)] = new([Rewrite("b", 2), Rewrite("a", 2)], 0),
            [new(1, 1)] = new([], 1),
            [new(0, 1)] = new([Rewrite("b", 1), Rewrite("a", 1), Rewrite("a", 1, "x")], 0),
        };
        var output = RunOutput.Assemble(Spec, results);
        Assert.Equal(["a#1", "a#1x", "a#2", "b#1", "b#2", "c#2"], output.Select(s => s.Id).ToArray());
    }

    [Fact]
    public void AMissingItemOrARewriteWithoutItsSourceIsAnError()
    {
        var complete = new Dictionary<ItemKey, ItemResult>
        {
            [new(0, 1)] = new([], 0), [new(1, 1)] = new([], 0), [new(0, 2)] = new([], 0), [new(1, 2)] = new([], 0),
        };
        Assert.Empty(RunOutput.Assemble(Spec, complete));
        var missing = new Dictionary<ItemKey, ItemResult>(complete);
        missing.Remove(new ItemKey(1, 2));
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, missing));
        var foreign = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = new([Rewrite("a", 1)], 0) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, foreign));
        var wrongRound = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = new([Rewrite("c", 2)], 0) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, wrongRound));
        var noProvenance = new Dictionary<ItemKey, ItemResult>(complete) { [new(1, 1)] = new([Rewrite("c", 1) with { Provenance = null }], 0) };
        Assert.Throws<InvalidOperationException>(() => RunOutput.Assemble(Spec, noProvenance));
    }

    [Fact]
    public void WriteLeavesBothFilesAndNoTemporaries()
    {
        using var folder = new TempFolder();
        var files = RunOutput.Write(folder.Combine("out"), [Rewrite("a", 1)]);
        Assert.Equal([folder.Combine("out", "aug.jsonl"), folder.Combine("out", "aug.conll")], files);
        Assert.Equal("a#1", JsonLines.Read(files[0]).Sentences.Single().Id);
        Assert.Equal("a\tO\n\n", File.ReadAllText(files[1]));
        Assert.Equal(2, Directory.GetFiles(folder.Combine("out")).Length);
    }

    [Fact]
    public void SpecValidationNamesTheProblem()
    {
        Spec.Validate();
        Assert.Contains("rounds", Assert.Throws<ArgumentException>(() => (Spec with { Rounds = 0 }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => (Spec with { SentenceIds = ["a", "a"] }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("run id", Assert.Throws<ArgumentException>(() => (Spec with { RunId = "a/b" }).Validate()).Message, StringComparison.Ordinal);
        Assert.True(Spec.SameAs(Spec with { SentenceIds = ["a", "b", "c"] }));
        Assert.False(Spec.SameAs(Spec with { Seed = 2 }));
    }

    [Fact]
    public async Task TheDirectLoopRunsEveryItemOnce()
    {
        var processor = new EchoProcessor();
        var output = await RunLoop.RunAsync(Spec, processor, TestContext.Current.CancellationToken);
        Assert.Equal(4, processor.Items.Count);
        Assert.Equal(["a#1", "a#2", "b#1", "b#2", "c#1", "c#2"], output.Select(s => s.Id).ToArray());
    }

    private sealed class EchoProcessor : IWorkItemProcessor
    {
        public List<ItemKey> Items { get; } = [];

        public Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
        {
            Items.Add(item.Key);
            return Task.FromResult(new ItemResult(item.SentenceIds.Select(id => Rewrite(id, item.Round)).ToArray(), 0));
        }
    }
}
