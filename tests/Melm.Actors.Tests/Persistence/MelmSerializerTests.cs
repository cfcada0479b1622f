using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Events;
using Melm.Actors.Tests.Support;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;

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
    public void AnItemResultKeepsEverySentenceField()
    {
        var counts = new GenerationCounts(4, 3, 1, 3, 7, 2, 1);
        var back = RoundTrip(new ItemCompleted("run-1", new ItemKey(3, 2), new ItemResult([Rewrite], [Rewrite with { Id = "rejected" }], new Dictionary<string, int> { ["identical_to_source"] = 2 }, counts)));
        Assert.Equal(("run-1", new ItemKey(3, 2), 2, counts), (back.RunId, back.Key, back.Result.Dropped["identical_to_source"], back.Result.Counts));
        Assert.Equal("rejected", Assert.Single(back.Result.Rejected).Id);
        var sentence = Assert.Single(back.Result.Accepted);
        Assert.Equal(JsonLines.Serialize([Rewrite]), JsonLines.Serialize([sentence]));
        Assert.Empty(sentence.Lines);
    }

    [Fact]
    public void ARunSpecAndASnapshotRoundTrip()
    {
        var spec = TestRuns.Spec("/out", seed: ulong.MaxValue) with { Inputs = TestRuns.Spec("/out").Inputs with { TaggerFolder = "/tagger", Generation = new GenerationOptions(Rounds: 3, Sampling: CandidateSampling.ExcludeOriginal, Seed: ulong.MaxValue) } };
        var started = RoundTrip(new StartRun(spec));
        Assert.True(spec.SameAs(started.Spec));
        Assert.Equal(ulong.MaxValue, started.Spec.Seed);

        var snapshot = new RunSnapshot(spec, RunStages.Generate, [RunStages.FineTune], [new ItemCompleted("run-1", new ItemKey(0, 1), new ItemResult([Rewrite], [], new Dictionary<string, int>(), new GenerationCounts(1, 1, 0, 1, 1, 0, 0)))], [], null);
        var back = RoundTrip(snapshot);
        Assert.True(spec.SameAs(back.Spec!));
        Assert.Equal(new ItemKey(0, 1), Assert.Single(back.Completed).Key);
        Assert.Equal(RunStages.Generate, back.Stage);
        Assert.Equal([RunStages.FineTune], back.StagesDone);
    }

    [Fact]
    public void AForeignTypeIsRefused()
    {
        var serializer = new MelmSerializer((ExtendedActorSystem)_system);
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("text"));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "String"));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
