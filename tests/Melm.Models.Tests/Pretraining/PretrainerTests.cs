using Melm.Models.Checkpoints;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Pretraining;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.Pretraining;

[Collection(TorchGlobalGenerator.Collection)]
public sealed class PretrainerTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("melm-pretrain-");

    public void Dispose() => _scratch.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_scratch.FullName, name);

    /// <summary>A model small enough to train for a few dozen steps in seconds on the demo text.</summary>
    private static PretrainOptions Tiny(params string[] languages) => new()
    {
        TextFiles = [.. languages.Select(l => SharedFiles.Repository($"samples/demo/unlabeled/{l}.txt"))],
        Tokenizer = SharedFiles.Repository("samples/demo/tokenizer"),
        Layers = 1, Hidden = 32, Heads = 2, Intermediate = 64,
        BlockSize = 32, BatchSize = 16, LearningRate = 3e-3, Seed = 5,
    };

    private static PretrainResult Run(PretrainOptions options, string folder, int? steps = null) =>
        Pretrainer.Run(options, folder, new PretrainBudget(steps), new ComputeOptions(Threads: 1));

    [Fact]
    public void AShortRunLowersTheHeldOutLossAndBeatsTheMostFrequentToken()
    {
        var options = Tiny("en", "de", "es", "nl") with { Hidden = 64, Intermediate = 128, LearningRate = 5e-3, TotalSteps = 150, CheckpointEvery = 150, HoldoutLines = 100 };
        var folder = Out("learn");

        var first = Run(options, folder, steps: 1).Report;
        var last = Run(options, folder).Report;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"held-out loss {first.HeldOutLoss:0.###} -> {last.HeldOutLoss:0.###}, accuracy {first.HeldOutAccuracy:P1} -> {last.HeldOutAccuracy:P1} (most frequent token {last.MostFrequentTokenAccuracy:P1}) over {last.HeldOutMaskedTokens} tokens");
        Assert.True(last.Finished);
        Assert.Equal(150, last.Steps);
        Assert.Equal(100, last.HeldOutLines);
        Assert.True(last.HeldOutMaskedTokens > 200);
        Assert.True(last.HeldOutLoss < first.HeldOutLoss - 0.8, $"held-out loss {first.HeldOutLoss} -> {last.HeldOutLoss}");
        Assert.True(last.HeldOutAccuracy > last.MostFrequentTokenAccuracy, $"accuracy {last.HeldOutAccuracy} vs most frequent token {last.MostFrequentTokenAccuracy}");
        Assert.True(File.Exists(Path.Combine(folder, Pretrainer.ReportFile)));
        using var model = ModelFolder.LoadMaskedLm(folder);
        Assert.Equal(2002, model.Config.VocabSize);
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameWeightsBitForBit()
    {
        var options = Tiny("en") with { TotalSteps = 12, CheckpointEvery = 6, HoldoutLines = 10 };
        var straight = Out("straight");
        var resumed = Out("resumed");

        Run(options, straight);
        var stopped = Run(options, resumed, steps: 6).Report;
        var finished = Run(options, resumed).Report;

        Assert.Equal(("steps budget", false), (stopped.StoppedBy, stopped.Finished));
        Assert.Equal(12, finished.Steps);
        Assert.True(finished.Finished);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(straight, ModelFolder.SafetensorsFileName)),
            File.ReadAllBytes(Path.Combine(resumed, ModelFolder.SafetensorsFileName)));

        var again = Run(options, resumed);
        Assert.True(again.AlreadyFinished);
        Assert.Equal(12, again.Report.Steps);
    }

    [Fact]
    public void AFullDiskAtACheckpointNamesTheFolderKeepsTheLastCheckpointAndTheResumedRunEndsAsAStraightOne()
    {
        using var disk = TinyDisk.Mount(megabytes: 16);
        var options = Tiny("en") with { TotalSteps = 12, CheckpointEvery = 6, HoldoutLines = 10 };
        var straight = Out("straight");
        var folder = disk.Combine("pretrained");

        Run(options, straight);
        Run(options, folder, steps: 6);
        var lastGood = TinyDisk.Snapshot(folder);

        disk.Fill();
        var error = Assert.Throws<CheckpointWriteException>(() => Run(options, folder));
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        // Step 6's checkpoint, byte for byte, and no partial folder left taking room.
        TinyDisk.AssertUnchanged(lastGood, folder);

        disk.Free();
        var finished = Run(options, folder).Report;
        Assert.Equal(12, finished.Steps);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(straight, ModelFolder.SafetensorsFileName)),
            File.ReadAllBytes(Path.Combine(folder, ModelFolder.SafetensorsFileName)));
    }

    [Fact]
    public void SalientMaskingScoresHeldOutEntityMentionsAndResumesBitForBit()
    {
        var options = Tiny() with
        {
            ConllFiles = [SharedFiles.Repository("samples/demo/en/train.txt"), SharedFiles.Repository("samples/demo/es/train.txt")],
            Masking = MaskingScheme.Salient, TotalSteps = 8, CheckpointEvery = 4, HoldoutLines = 20,
        };
        var straight = Out("salient-straight");
        var resumed = Out("salient-resumed");

        var report = Run(options, straight).Report;
        Run(options, resumed, steps: 4);
        Run(options, resumed);

        // Every held-out line is a CoNLL sentence: its mentions are scored one at a time, all their pieces masked.
        Assert.Equal("salient", report.Masking);
        Assert.True(report.HeldOutEntityMentions >= 20, $"{report.HeldOutEntityMentions} mentions");
        Assert.True(report.HeldOutEntityPieces >= report.HeldOutEntityMentions);
        Assert.InRange(report.HeldOutEntityAccuracy, 0, 1);
        Assert.InRange(report.HeldOutEntityMentionAccuracy, 0, report.HeldOutEntityAccuracy + 1e-9);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(straight, ModelFolder.SafetensorsFileName)),
            File.ReadAllBytes(Path.Combine(resumed, ModelFolder.SafetensorsFileName)));

        // The masking scheme is part of the run: resuming with another is refused.
        var error = Assert.Throws<InputException>(() => Run(options with { Masking = MaskingScheme.WholeWord }, resumed));
        Assert.Contains("masking: \"salient\" -> \"whole-word\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContinuesFromACheckpointWithItsShapeAndTokenizer()
    {
        var scratch = Out("scratch");
        Run(Tiny("en") with { TotalSteps = 2, HoldoutLines = 10 }, scratch);
        var adapted = Out("adapted");
        var options = Tiny("de") with { Tokenizer = null, Layers = null, Hidden = null, Heads = null, Intermediate = null, InitFolder = scratch, TotalSteps = 2, HoldoutLines = 10 };

        var report = Run(options, adapted).Report;

        Assert.True(report.Finished);
        Assert.Equal(File.ReadAllText(Path.Combine(scratch, ModelFolder.ConfigFile)), File.ReadAllText(Path.Combine(adapted, ModelFolder.ConfigFile)));
        Assert.NotEqual(
            File.ReadAllBytes(Path.Combine(scratch, ModelFolder.SafetensorsFileName)),
            File.ReadAllBytes(Path.Combine(adapted, ModelFolder.SafetensorsFileName)));
        var shaped = Assert.Throws<InputException>(() => Run(options with { Layers = 3 }, Out("shaped")));
        Assert.Contains("keeps the checkpoint's shape", shaped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumingWithOtherOptionsIsRefusedNamingTheDifference()
    {
        var options = Tiny("en") with { TotalSteps = 4, CheckpointEvery = 2, HoldoutLines = 10 };
        var folder = Out("mismatch");
        Run(options, folder, steps: 2);

        var error = Assert.Throws<InputException>(() => Run(options with { LearningRate = 1e-3, BatchSize = 8 }, folder));

        Assert.Contains("lr: 0.003 -> 0.001", error.Message, StringComparison.Ordinal);
        Assert.Contains("batch: 16 -> 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesToOverwriteAModelFolderThatIsNotAPretrainingRun()
    {
        var folder = Out("model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFile), "{}");

        var error = Assert.Throws<InputException>(() => Run(Tiny("en") with { TotalSteps = 2 }, folder));

        Assert.Contains("not a pretraining run", error.Message, StringComparison.Ordinal);
    }
}
