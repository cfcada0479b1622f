using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Tests.Support;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Tests.Persistence;

public sealed class MelmSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-test");

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = new MelmSerializer((ExtendedActorSystem)_system);
        return (T)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    private static readonly Sentence Rewrite = new("train:1#r2", "de", ["Die", "ANNA", "\"Zitat\""], ["O", "B-PER", "O"])
    {
        Provenance = new Provenance("train:1", 2, "melm"),
    };

    [Fact]
    public void AnItemResultKeepsEveryRewriteAndSentenceField()
    {
        var substitution = new Substitution(new EntitySpan("PER", 1, 2), new EntitySpan("PER", 1, 2), ["Bert"], new Mention("de", "PER", ["ANNA"], "train:7"), Choices.Random);
        var round = new RoundResult(2,
            [new Rewrite(Rewrite, 3, 1, 0) { Substitutions = [substitution] }],
            [new DroppedRewrite(new Rewrite(Rewrite with { Id = "refused" }, 2, 2, 1), DropReason.Filter)]);
        var back = RoundTrip(new ItemCompleted("run-1", new ItemKey(3, 2), new ItemResult(round, "label-wise substitution")));
        Assert.Equal(("run-1", new ItemKey(3, 2), 2, "label-wise substitution"), (back.RunId, back.Key, back.Result.Round.Round, back.Result.Description));
        var passed = Assert.Single(back.Result.Round.Passed);
        Assert.Equal((3, 1, 0), (passed.MaskedSubwords, passed.KeptOriginal, passed.SkippedEntityWords));
        var kept = Assert.Single(passed.Substitutions);
        Assert.Equal((substitution.Original, substitution.Replaced, substitution.Choice, substitution.Similarity), (kept.Original, kept.Replaced, kept.Choice, kept.Similarity));
        Assert.Equal(("de", "PER", "train:7"), (kept.Substitute.Lang, kept.Substitute.Type, kept.Substitute.SourceId));
        Assert.Equal(["Bert"], kept.OriginalTokens);
        Assert.Equal(["ANNA"], kept.Substitute.Tokens);
        Assert.Equal(JsonLines.Serialize([Rewrite]), JsonLines.Serialize([passed.Sentence]));
        Assert.Empty(passed.Sentence.Lines);
        var dropped = Assert.Single(back.Result.Round.Dropped);
        Assert.Equal(("refused", DropReason.Filter, 2, 2, 1), (dropped.Rewrite.Sentence.Id, dropped.Reason, dropped.Rewrite.MaskedSubwords, dropped.Rewrite.KeptOriginal, dropped.Rewrite.SkippedEntityWords));
    }

    [Fact]
    public void ARunSpecAndASnapshotRoundTrip()
    {
        var spec = TestRuns.Spec("/out", seed: ulong.MaxValue) with { Inputs = TestRuns.Spec("/out").Inputs with { TaggerFolder = "/tagger", Generation = new GenerationOptions(Rounds: 3, Sampling: CandidateSampling.ExcludeOriginal, Seed: ulong.MaxValue) } };
        var started = RoundTrip(new StartRun(spec));
        Assert.True(spec.SameAs(started.Spec));
        Assert.Equal(ulong.MaxValue, started.Spec.Seed);

        var snapshot = new RunSnapshot(spec, RunStages.Generate, [RunStages.FineTune], [new ItemCompleted("run-1", new ItemKey(0, 1), new ItemResult(new RoundResult(1, [new Rewrite(Rewrite, 1, 0, 0)], []), "melm"))], [], null);
        var back = RoundTrip(snapshot);
        Assert.True(spec.SameAs(back.Spec!));
        Assert.Equal(new ItemKey(0, 1), Assert.Single(back.Completed).Key);
        Assert.Equal(RunStages.Generate, back.Stage);
        Assert.Equal([RunStages.FineTune], back.StagesDone);
    }

    [Fact]
    public void APreparedSpecAndTheStageMessagesRoundTrip()
    {
        var spec = TestRuns.Prepared(TestRuns.Spec("/out")) with { Preparation = TestRuns.Prepared(TestRuns.Spec("/out")).Preparation! with
        {
            FineTune = new FineTuneJob("/pretrained", "/dev.conll", new FineTuneOptions(Epochs: 3, LearningRate: 1e-4, Seed: 9), ["de", "en"]),
        } };
        var assigned = RoundTrip(new StageAssigned(new StageJob(spec.RunId, RunStages.FineTune, spec)));
        Assert.True(spec.SameAs(assigned.Job.Spec));
        Assert.Equal(spec.Preparation, assigned.Job.Spec.Preparation);
        Assert.Equal(RunStages.FineTune, assigned.Job.Stage);
        Assert.False(spec.SameAs(spec with { Preparation = spec.Preparation! with { FineTune = spec.Preparation.FineTune! with { Languages = ["de"] } } }));

        var progressed = RoundTrip(new StageProgressed("run-1", "w", RunStages.FineTune, new ProgressUpdate("fine-tune", 3, 40, "steps", [new("loss", 1.5)])));
        Assert.Equal(("fine-tune", 3L, 40L, "steps"), (progressed.Update.Stage, progressed.Update.Done, progressed.Update.Total, progressed.Update.Unit));
        Assert.Equal([new KeyValuePair<string, double>("loss", 1.5)], progressed.Update.Metrics);
        var done = RoundTrip(new StageDone("run-1", "w", RunStages.FineTune, new StageOutcome(["/model"], "fine-tuned 3 epochs")));
        Assert.Equal(["/model"], done.Outcome.Artefacts);
        Assert.Equal("fine-tuned 3 epochs", done.Outcome.Description);
        var completed = RoundTrip(new StageCompleted("run-1", RunStages.FineTune, ["/model"], "fine-tuned 3 epochs"));
        Assert.Equal("fine-tuned 3 epochs", completed.Note);
        Assert.Equal("disk full", RoundTrip(new StageFailed("run-1", "w", RunStages.FineTune, "disk full")).Reason);
    }

    [Fact]
    public void AForeignTypeIsRefused()
    {
        var serializer = new MelmSerializer((ExtendedActorSystem)_system);
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("text"));
        Assert.Throws<JournalFormatException>(() => serializer.FromBinary([], "String"));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
