using Melm.Testing;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Tests.Support;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Tests.Coordinator;

public class RunStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly ItemResult Empty = new(new Melm.Models.Augmentation.RoundResult(1, [], []), UpperCaseProcessor.Description);

    private static RunState Started(out RunSpec spec)
    {
        spec = TestRuns.Spec("/out");
        var state = new RunState(spec.RunId);
        state.Apply(new RunStarted(spec));
        return state;
    }

    [Fact]
    public void StartQueuesEveryItemRoundFirst()
    {
        var state = Started(out var spec);
        Assert.Equal(RunStages.Generate, state.Stage);
        Assert.Equal(18, spec.ItemCount);
        Assert.Equal(18, state.PendingCount);
        var items = state.Assign("w", 7, T0, Lease);
        Assert.Equal(
            [new(0, 1), new(1, 1), new(2, 1), new(3, 1), new(4, 1), new(5, 1), new(0, 2)],
            items.Select(i => i.Key).ToArray());
        Assert.Equal(["train:20", "train:21", "train:22"], items[5].SentenceIds);
        Assert.Equal(42UL, items[0].Seed);
    }

    [Fact]
    public void AWorkerGetsAtMostItsCapacityMinusWhatItHolds()
    {
        var state = Started(out _);
        Assert.Equal(2, state.Assign("a", 2, T0, Lease).Count);
        Assert.Empty(state.Assign("a", 2, T0, Lease));
        Assert.Equal(2, state.Assign("b", 2, T0, Lease).Count);
        Assert.Equal(4, state.InFlightCount);
        Assert.Equal(14, state.PendingCount);
    }

    [Fact]
    public void ACompletedItemFreesTheSlotAndADuplicateIsNotAccepted()
    {
        var state = Started(out var spec);
        var key = state.Assign("a", 1, T0, Lease)[0].Key;
        Assert.True(state.Accepts(key));
        state.Apply(new ItemCompleted(spec.RunId, key, Empty));
        Assert.False(state.Accepts(key));
        Assert.Equal(0, state.InFlightCount);
        Assert.Equal([key], state.Completed);
        Assert.Single(state.Assign("a", 1, T0, Lease));
    }

    [Fact]
    public void ItemsOutsideTheRunAreNotAccepted()
    {
        var state = Started(out _);
        Assert.False(state.Accepts(new ItemKey(6, 1)));
        Assert.False(state.Accepts(new ItemKey(0, 0)));
        Assert.False(state.Accepts(new ItemKey(0, 4)));
        Assert.False(new RunState("r").Accepts(new ItemKey(0, 1)));
    }

    [Fact]
    public void ReleasingAWorkerRequeuesOnlyItsItems()
    {
        var state = Started(out _);
        var fromA = state.Assign("a", 2, T0, Lease).Select(i => i.Key).ToArray();
        var fromB = state.Assign("b", 2, T0, Lease).Select(i => i.Key).ToArray();
        Assert.Equal(fromA, state.ReleaseWorker("a"));
        Assert.Equal(fromB, state.LeasesOf("b"));
        Assert.Equal(16, state.PendingCount);
        // Released items go out first again: the queue is ordered by key.
        Assert.Equal(fromA, state.Assign("c", 2, T0, Lease).Select(i => i.Key).ToArray());
    }

    [Fact]
    public void ExpiredLeasesGoBackAndLiveOnesStay()
    {
        var state = Started(out _);
        var early = state.Assign("a", 1, T0, Lease)[0].Key;
        var late = state.Assign("b", 1, T0 + TimeSpan.FromSeconds(30), Lease)[0].Key;
        Assert.Empty(state.ExpireLeases(T0 + TimeSpan.FromSeconds(59)));
        Assert.Equal([early], state.ExpireLeases(T0 + Lease));
        Assert.Equal([late], state.LeasesOf("b"));
        Assert.Equal(17, state.PendingCount);
    }

    [Fact]
    public void AFailureRequeuesTheItemOnlyWhenTheFailingWorkerStillHeldIt()
    {
        var state = Started(out _);
        var key = state.Assign("a", 1, T0, Lease)[0].Key;
        state.ExpireLeases(T0 + Lease);
        Assert.Equal(key, state.Assign("b", 1, T0 + Lease, Lease)[0].Key);
        Assert.Equal(1, state.RecordFailure(key, "a"));
        Assert.Equal([key], state.LeasesOf("b"));
        Assert.Equal(2, state.RecordFailure(key, "b"));
        Assert.Empty(state.LeasesOf("b"));
        Assert.Equal(18, state.PendingCount);
    }

    [Fact]
    public void TheLastResultMovesTheRunToWriteAndThenCompleted()
    {
        var state = Started(out var spec);
        foreach (var item in WorkPlan.Items(spec))
        {
            Assert.Equal(RunStages.Generate, state.Stage);
            state.Apply(new ItemCompleted(spec.RunId, item.Key, Empty));
        }
        Assert.True(state.ReadyToWrite);
        Assert.Empty(state.Assign("a", 5, T0, Lease));
        state.Apply(new StageCompleted(spec.RunId, RunStages.Write, ["/out/aug.jsonl"]));
        state.Apply(new RunCompleted(spec.RunId));
        Assert.True(state.IsFinished);
        var status = state.Status();
        Assert.Equal((RunStages.Completed, 18, 18, 0, 0), (status.Stage, status.Total, status.Done, status.InFlight, status.Pending));
        Assert.Equal(["/out/aug.jsonl"], status.Files);
    }

    [Fact]
    public void CancellingEmptiesTheQueueAndRefusesResults()
    {
        var state = Started(out var spec);
        var key = state.Assign("a", 1, T0, Lease)[0].Key;
        state.Apply(new RunCancelled(spec.RunId));
        Assert.Equal(RunStages.Cancelled, state.Stage);
        Assert.Equal((0, 0), (state.PendingCount, state.InFlightCount));
        Assert.False(state.Accepts(key));
        Assert.Empty(state.Assign("a", 1, T0, Lease));
        Assert.Empty(state.ReleaseWorker("a"));
    }

    [Fact]
    public void RecoveryFromEventsOrASnapshotQueuesExactlyTheItemsNotCompleted()
    {
        var spec = TestRuns.Spec("/out");
        var done = new[] { new ItemKey(0, 1), new ItemKey(3, 2), new ItemKey(5, 3) };
        var events = new List<IRunEvent> { new RunStarted(spec) };
        events.AddRange(done.Select(k => new ItemCompleted(spec.RunId, k, Empty)));

        var replayed = new RunState(spec.RunId);
        foreach (var e in events)
            replayed.Apply(e);
        var restored = RunState.FromSnapshot(spec.RunId, replayed.ToSnapshot());

        foreach (var state in new[] { replayed, restored })
        {
            Assert.Equal(15, state.PendingCount);
            Assert.Equal(done, state.Completed.Order().ToArray());
            var handedOut = state.Assign("a", 100, T0, Lease).Select(i => i.Key).ToHashSet();
            Assert.Equal(15, handedOut.Count);
            Assert.DoesNotContain(handedOut, done.Contains);
        }
    }

    [Fact]
    public void ASnapshotTakenMidRunPlusLaterEventsEqualsReplayingEverything()
    {
        var spec = TestRuns.Prepared(TestRuns.Spec("/out"));
        var state = new RunState(spec.RunId);
        state.Apply(new RunStarted(spec));
        state.Apply(new StageCompleted(spec.RunId, RunStages.FilterTagger, ["/tagger"], "tagger trained"));
        var inPreparation = RunState.FromSnapshot(spec.RunId, state.ToSnapshot());
        Assert.Equal((RunStages.FineTune, 1, 0), (inPreparation.Stage, inPreparation.PendingCount, inPreparation.Status().Pending));
        state.Apply(new StageCompleted(spec.RunId, RunStages.FineTune, ["/model"], "fine-tuned"));
        state.Apply(new ItemCompleted(spec.RunId, new ItemKey(1, 1), Empty));
        var restored = RunState.FromSnapshot(spec.RunId, state.ToSnapshot());
        var later = new ItemCompleted(spec.RunId, new ItemKey(2, 1), Empty);
        state.Apply(later);
        restored.Apply(later);
        Assert.Equal(state.Status() with { Files = [], StagesDone = [], Notes = [] }, restored.Status() with { Files = [], StagesDone = [], Notes = [] });
        Assert.Equal([RunStages.FilterTagger, RunStages.FineTune], restored.StagesDone);
        Assert.Equal(["filter-tagger: tagger trained", "fine-tune: fine-tuned"], restored.Status().Notes);
        Assert.Equal(state.Completed.Order(), restored.Completed.Order());
    }

    [Fact]
    public void PreparationStagesGoOneAtATimeToIdleWorkersBeforeAnyItem()
    {
        var spec = TestRuns.Prepared(TestRuns.Spec("/out"));
        var state = new RunState(spec.RunId);
        state.Apply(new RunStarted(spec));
        Assert.Equal((RunStages.FilterTagger, 1), (state.Stage, state.PendingCount));
        Assert.Empty(state.Assign("w1", 4, T0, Lease));
        Assert.Null(state.AssignStage("busy", idle: false, T0, Lease));
        var job = state.AssignStage("w1", idle: true, T0, Lease);
        Assert.Equal(new StageJob(spec.RunId, RunStages.FilterTagger, spec), job);
        Assert.Null(state.AssignStage("w2", idle: true, T0, Lease));
        Assert.Equal((0, 1, "w1"), (state.PendingCount, state.InFlightCount, state.StageHolder));

        // Progress is kept from the holder only; a stopped holder gives the stage back.
        state.ReportStep("w2", RunStages.FilterTagger, new ProgressUpdate("ner train", 1, 10, "steps"));
        Assert.Null(state.Step);
        state.ReportStep("w1", RunStages.FilterTagger, new ProgressUpdate("ner train", 2, 10, "steps"));
        Assert.Equal(2, state.Step!.Done);
        Assert.False(state.ReleaseStage("w2"));
        Assert.True(state.ReleaseStage("w1"));
        Assert.Null(state.Step);
        Assert.Equal(1, state.PendingCount);

        // A lease that runs out gives it back too; a failure counts and offers it again.
        Assert.NotNull(state.AssignStage("w2", idle: true, T0, Lease));
        Assert.False(state.ExpireStageLease(T0 + Lease / 2));
        Assert.True(state.ExpireStageLease(T0 + Lease));
        Assert.NotNull(state.AssignStage("w3", idle: true, T0, Lease));
        Assert.Equal(1, state.RecordStageFailure("w3"));
        Assert.Null(state.StageHolder);

        Assert.False(state.AcceptsStage(RunStages.FineTune));
        state.Apply(new StageCompleted(spec.RunId, RunStages.FilterTagger, ["/tagger"]));
        Assert.Equal((RunStages.FineTune, 1), (state.Stage, state.PendingCount));
        state.Apply(new StageCompleted(spec.RunId, RunStages.FineTune, ["/model"]));
        Assert.Equal((RunStages.Generate, 18), (state.Stage, state.PendingCount));
        Assert.Null(state.AssignStage("w1", idle: true, T0, Lease));
        Assert.Equal(4, state.Assign("w1", 4, T0, Lease).Count);
    }

    [Fact]
    public void AJobHasItsCellAsItsOnlyStageAndNoItems()
    {
        var cell = new ExperimentCellJob("/conll", "/model", "/exp", "en", 100, 1, ["gold-only", "melm"],
            new Melm.Models.Ner.NerTrainingOptions { Seed = 1 }, new Melm.Models.Augmentation.FineTuneOptions(), 3);
        var job = TestRuns.Spec("/exp/en-n100-seed1") with { SentenceIds = [], Preparation = new RunPreparation(Cell: cell) };
        job.Validate();
        Assert.Equal((true, 0), (job.IsJob, job.ItemCount));
        Assert.Throws<ArgumentException>(() => (job with { SentenceIds = ["train:0"] }).Validate());
        Assert.Throws<ArgumentException>(() => (job with { Preparation = null }).Validate());
        var state = new RunState(job.RunId);
        state.Apply(new RunStarted(job));
        Assert.Equal((RunStages.ExperimentCell, 1), (state.Stage, state.PendingCount));
        Assert.Equal(RunStages.ExperimentCell, state.AssignStage("w1", idle: true, T0, Lease)!.Stage);
        state.Apply(new StageCompleted(job.RunId, RunStages.ExperimentCell, ["/exp/en-n100-seed1"], "en N=100 seed 1: gold-only F1 20.00"));
        Assert.True(state.ReadyToWrite);
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void TheCodeMixStageGivesTheSentencesTheItemsArePlannedFrom()
    {
        var codeMix = new CodeMixJob([new LanguageFile("en", "/en.txt"), new LanguageFile("de", "/de.txt")], [], null, Random: true, Rounds: 1, Seed: 3);
        var spec = TestRuns.Spec("/out") with { SentenceIds = [], Preparation = new RunPreparation(CodeMix: codeMix) };
        spec.Validate();
        var state = new RunState(spec.RunId);
        state.Apply(new RunStarted(spec));
        Assert.Equal((RunStages.CodeMix, 0), (state.Stage, state.Status().Total));
        string[] ids = ["en:0", "de:0", "en:0/code-mix-random/r1"];
        state.Apply(new StageCompleted(spec.RunId, RunStages.CodeMix, ["/out/codemix"], "1 code-mixed sentence", ids));
        Assert.Equal((RunStages.Generate, 3, 3), (state.Stage, state.PendingCount, state.Status().Total));
        Assert.Equal(ids, state.Planned!.SentenceIds);
        Assert.True(spec.SameAs(state.Spec!));
        Assert.Equal(ids, state.Assign("w", 1, T0, Lease).Single().SentenceIds);
        var restored = RunState.FromSnapshot(spec.RunId, state.ToSnapshot());
        Assert.Equal(ids, restored.Planned!.SentenceIds);
        Assert.Equal(3, restored.PendingCount);
    }

    [Fact]
    public void ARunThatFailedInAStageResumesAtThatStage()
    {
        var spec = TestRuns.Prepared(TestRuns.Spec("/out"));
        var state = new RunState(spec.RunId);
        state.Apply(new RunStarted(spec));
        state.Apply(new StageCompleted(spec.RunId, RunStages.FilterTagger, ["/tagger"]));
        state.AssignStage("w1", idle: true, T0, Lease);
        state.Apply(new RunFailed(spec.RunId, "stage fine-tune failed 3 times"));
        Assert.Equal((RunStages.Failed, 0, 0), (state.Stage, state.PendingCount, state.InFlightCount));
        state.Apply(new RunResumed(spec.RunId));
        Assert.Equal((RunStages.FineTune, 1, null), (state.Stage, state.PendingCount, state.Error));
    }

    [Fact]
    public void AResumedFailedRunQueuesWhatIsLeftWithFreshFailureCounts()
    {
        var state = Started(out var spec);
        state.Apply(new ItemCompleted(spec.RunId, new ItemKey(0, 1), Empty));
        var key = state.Assign("a", 1, T0, Lease)[0].Key;
        Assert.Equal(1, state.RecordFailure(key, "a"));
        state.Apply(new RunFailed(spec.RunId, "checkpoint missing"));
        Assert.Equal((RunStages.Failed, 0, "checkpoint missing"), (state.Stage, state.PendingCount, state.Error));

        state.Apply(new RunResumed(spec.RunId));

        Assert.Equal((RunStages.Generate, 17, (string?)null), (state.Stage, state.PendingCount, state.Error));
        Assert.Equal(1, state.RecordFailure(key, "a"));
    }
}
