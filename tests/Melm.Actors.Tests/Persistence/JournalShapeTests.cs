using System.Text;
using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Events;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Nn;
using Melm.Models.Runs;

namespace Melm.Actors.Tests.Persistence;

/// <summary>
/// Every persisted type, with every member set, serialized and compared with the checked-in
/// Persistence/Shapes/journal-v1.txt (one line per manifest: manifest, tab, JSON). A renamed type,
/// property or enum member must leave it as it is; a change that makes it differ changes the
/// journal format and needs a new JournalContract version.
/// </summary>
public sealed class JournalShapeTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("journal-shape-test");

    private MelmSerializer Serializer() => new((ExtendedActorSystem)_system, "SQLite Data Source=test/journal.db");

    private static readonly Sentence Source = new("train:1/melm/r2", "de", ["Die", "ANNA", "\"Zitat\""], ["O", "B-PER", "O"])
    {
        Provenance = new Provenance("train:1", 2, "melm"),
    };

    private static readonly RunSpec Spec = new(
        "run-1",
        new RunInputs("corpus.jsonl", "model", "melm", "tagger", new GenerationOptions(Rounds: 3, TopK: 7, Mu: 0.25, Sampling: CandidateSampling.ExcludeOriginal, SameScript: true, BatchSize: 8, Seed: ulong.MaxValue, Filter: FilterRule.Mentions)),
        ShardSize: 4,
        ["train:0", "train:1"],
        "out",
        new RunPreparation(
            new FilterTaggerJob("pretrained", "dev.conll", new NerTrainingOptions
            {
                Seed = 3, LearningRate = 1e-4, CrfLearningRate = 1e-2, BatchSize = 4, Epochs = 2, WeightDecay = 0.5, WarmupFraction = 0.1,
                LinearDecay = true, MaxGradNorm = 1, FreezeEncoder = true, EvalBatchSize = 5, Precision = Precision.Bf16Autocast,
            }),
            new FineTuneJob("pretrained", "dev.conll", new FineTuneOptions(Epochs: 2, BatchSize: 3, LearningRate: 1e-4, MaskRate: 0.5, Seed: 4, Precision: Precision.Bf16Autocast), ["de", "en"]),
            new ExperimentCellJob("conll", "model", "cells", "en", 100, 2, ["melm", "gold-only"], new NerTrainingOptions { Seed = 5 }, new FineTuneOptions(Seed: 6), 3)
            {
                Generation = new GenerationOptions(Rounds: 2),
                CrossLingualTargets = ["de"],
                MultilingualLanguages = ["en", "de"],
                Oracle = new OracleOptions(3, 5e-5),
            },
            new CodeMixJob([new LanguageFile("en", "en.conll"), new LanguageFile("de", "de.conll")], [new LanguageFile("en", "en.vec")], "encoder", Random: true, Rounds: 2, Seed: 7))
        {
            TensorBoardFolder = "tb",
            NoTensorBoard = true,
        });

    private static readonly ItemCompleted Item = new("run-1", new ItemKey(1, 2), new ItemResult(
        new RoundResult(2,
            [new Rewrite(Source, 3, 1, 2)
            {
                Substitutions = [new Substitution(new EntitySpan("PER", 1, 2), new EntitySpan("PER", 1, 3), ["Bert"], new Mention("en", "PER", ["ANNA"], "train:7"), Choices.Nearest, 0.75)],
            }],
            [new DroppedRewrite(new Rewrite(Source with { Id = "dropped" }, 1, 0, 0), DropReason.NoValidCandidate)]),
        "melm: test"));

    /// <summary>One fully set instance of each persisted type, in the order of the shapes file.</summary>
    private static readonly object[] Samples =
    [
        new RunRegistered("run-1"),
        new RunStarted(Spec),
        Item,
        new StageCompleted("run-1", RunStages.CodeMix, ["codemix"], "12 sentences", ["cm:0", "cm:1"]),
        new RunCompleted("run-1"),
        new RunCancelled("run-1"),
        new RunFailed("run-1", "shard 0 round 1 failed 3 times"),
        new RunResumed("run-1"),
        new RunSnapshot(Spec, RunStages.Generate, [RunStages.CodeMix], [Item], ["out/aug.jsonl"], "disk full", ["code-mix: 12 sentences"], ["cm:0", "cm:1"]),
        new RunKeysSnapshot(Spec, RunStages.Generate, [RunStages.CodeMix], [Item.Key, new ItemKey(3, 1)], ["out/aug.jsonl"], "disk full", ["code-mix: 12 sentences"], ["cm:0", "cm:1"]),
    ];

    private static string ShapesFile => Path.Combine(AppContext.BaseDirectory, "Persistence", "Shapes", "journal-v1.txt");

    [Fact]
    public void EveryPersistedTypeIsWrittenAsTheCheckedInShape()
    {
        var serializer = Serializer();
        Assert.Equal(JournalContract.Manifests.Keys.Select(t => t.FullName).Order(), Samples.Select(s => s.GetType().FullName).Order());
        var actual = string.Concat(Samples.Select(s => $"{serializer.Manifest(s)}\t{Encoding.UTF8.GetString(serializer.ToBinary(s))}\n"));
        var expected = File.ReadAllText(ShapesFile);
        if (actual != expected)
        {
            var written = Path.Combine(AppContext.BaseDirectory, "journal-v1.actual.txt");
            File.WriteAllText(written, actual);
            Assert.Fail($"the journal's JSON differs from {ShapesFile} (this build's is in {written}): a renamed member needs its old name in JournalContract, a changed shape a new journal format version");
        }
    }

    [Fact]
    public void EveryCheckedInShapeReadsBackToTheSameBytes()
    {
        var serializer = Serializer();
        foreach (var line in File.ReadAllLines(ShapesFile))
        {
            var (manifest, json) = (line[..line.IndexOf('\t', StringComparison.Ordinal)], line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..]);
            var back = serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest);
            Assert.Equal(manifest, serializer.Manifest(back));
            Assert.Equal(json, Encoding.UTF8.GetString(serializer.ToBinary(back)));
        }
    }

    [Fact]
    public void EachPersistedTypeRoundTripsToAnEqualRecord()
    {
        var serializer = Serializer();
        foreach (var sample in Samples)
        {
            var back = serializer.FromBinary(serializer.ToBinary(sample), serializer.Manifest(sample));
            Assert.IsType(sample.GetType(), back);
            switch ((sample, back))
            {
                case (RunStarted started, RunStarted read):
                    Assert.True(started.Spec.SameAs(read.Spec));
                    Assert.Equal(started.Spec.Preparation, read.Spec.Preparation);
                    break;
                case (ItemCompleted, ItemCompleted read):
                    Assert.Equal(JsonLines.Serialize([Source]), JsonLines.Serialize([read.Result.Round.Passed[0].Sentence]));
                    Assert.Equal(Item.Result.Round.Passed[0].Substitutions, read.Result.Round.Passed[0].Substitutions, SubstitutionsEqual);
                    Assert.Equal(DropReason.NoValidCandidate, read.Result.Round.Dropped[0].Reason);
                    Assert.Equal((Item.Key, Item.Result.Description), (read.Key, read.Result.Description));
                    break;
                case (StageCompleted stage, StageCompleted read):
                    Assert.Equal((stage.Stage, stage.Note), (read.Stage, read.Note));
                    Assert.Equal(stage.SentenceIds, read.SentenceIds);
                    break;
                case (RunSnapshot snapshot, RunSnapshot read):
                    Assert.True(snapshot.Spec!.SameAs(read.Spec!));
                    Assert.Equal((snapshot.Stage, snapshot.Error), (read.Stage, read.Error));
                    Assert.Equal(snapshot.PlannedSentenceIds, read.PlannedSentenceIds);
                    Assert.Equal(snapshot.Notes, read.Notes);
                    Assert.Equal(Item.Key, Assert.Single(read.Completed).Key);
                    break;
                case (RunKeysSnapshot snapshot, RunKeysSnapshot read):
                    Assert.True(snapshot.Spec!.SameAs(read.Spec!));
                    Assert.Equal((snapshot.Stage, snapshot.Error), (read.Stage, read.Error));
                    Assert.Equal(snapshot.PlannedSentenceIds, read.PlannedSentenceIds);
                    Assert.Equal(snapshot.Notes, read.Notes);
                    Assert.Equal(snapshot.Completed, read.Completed);
                    break;
                default:
                    // The rest are records of text only, which compare by value.
                    Assert.Equal(sample, back);
                    break;
            }
        }
    }

    [Fact]
    public void AVersion0ManifestReadsAsItsEntry()
    {
        var serializer = Serializer();
        var back = serializer.FromBinary("""{"RunId":"run-1","Reason":"why"}"""u8.ToArray(), "RunFailed");
        Assert.Equal(new RunFailed("run-1", "why"), back);
        Assert.Equal("melm:run-failed:v1", serializer.Manifest(back));
    }

    [Theory]
    [InlineData("melm:run-started:v2", "newer Melm (journal format version 2")]
    [InlineData("melm:run-exploded:v1", "is not one this build knows")]
    [InlineData("melm:run-started", "has no format version")]
    [InlineData("RunExploded", "is not a Melm message or journal entry this build knows")]
    public void AnEntryThisBuildCannotReadIsRefusedNamingTheJournalAndTheManifest(string manifest, string problem)
    {
        var e = Assert.Throws<JournalFormatException>(() => Serializer().FromBinary("""{"RunId":"run-1"}"""u8.ToArray(), manifest));
        Assert.StartsWith($"SQLite Data Source=test/journal.db: journal entry \"{manifest}\" ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APayloadThatDoesNotFitItsShapeIsRefusedNamingTheJournalAndTheManifest()
    {
        var e = Assert.Throws<JournalFormatException>(() => Serializer().FromBinary("""{"RunId":42}"""u8.ToArray(), "melm:run-completed:v1"));
        Assert.Contains("journal entry \"melm:run-completed:v1\" does not have the shape this build reads", e.Message, StringComparison.Ordinal);
    }

    private static bool SubstitutionsEqual(Substitution a, Substitution b) =>
        (a.Original, a.Replaced, a.Choice, a.Similarity, a.Substitute.Lang, a.Substitute.Type, a.Substitute.SourceId) == (b.Original, b.Replaced, b.Choice, b.Similarity, b.Substitute.Lang, b.Substitute.Type, b.Substitute.SourceId)
        && a.OriginalTokens.SequenceEqual(b.OriginalTokens) && a.Substitute.Tokens.SequenceEqual(b.Substitute.Tokens);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
