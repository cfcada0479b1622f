using Melm.Models.Tests;

namespace Melm.Host.Tests.Commands;

/// <summary>The TensorBoard event files that `melm pretrain`, `finetune` and `ner train` write, read back record by record.</summary>
[Collection(ConsoleCapture.Collection)]
public sealed class TrainingCurvesTests
{
    private static string[] Pretrain(string output, params string[] more) =>
    [
        "pretrain", "--text", SharedFiles.Repository("samples/demo/unlabeled/en.txt"),
        "--tokenizer", SharedFiles.Repository("samples/demo/tokenizer"), "--out", output,
        "--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--block", "32", "--batch", "8",
        "--total-steps", "5", "--checkpoint-every", "2", "--holdout", "10", "--threads", "1", .. more,
    ];

    private static long[] Steps(IEnumerable<ScalarPoint> points, string tag) => [.. points.Where(p => p.Tag == tag).Select(p => p.Step)];

    [Fact]
    public void PretrainEventRecordsPassTheirChecksumsAndHoldEachStepOnceAcrossAResume()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "small");

        var stopped = ConsoleCapture.Run(Pretrain(output, "--steps", "3"));
        var finished = ConsoleCapture.Run(Pretrain(output));
        var again = ConsoleCapture.Run(Pretrain(output));

        Assert.True(stopped.ExitCode == 0, stopped.Error);
        Assert.True(finished.ExitCode == 0, finished.Error);
        Assert.True(again.ExitCode == 0, again.Error);
        var curves = Path.Combine(output, "tensorboard");
        // One file per training invocation; the finished rerun trained nothing and added none.
        Assert.Equal(2, Directory.GetFiles(curves, "events.out.tfevents.*").Length);
        var points = TensorBoardEventFile.ReadFolder(curves);
        Assert.Equal([1, 2, 3, 4, 5], Steps(points, "train/loss"));
        Assert.Equal([1, 2, 3, 4, 5], Steps(points, "train/lr"));
        Assert.Equal([1, 2, 3, 4, 5], Steps(points, "train/tokens_per_second"));
        // Checkpoints every 2 steps, at the budget's stop (3) and at the end (5).
        Assert.Equal([2, 3, 4, 5], Steps(points, "heldout/loss"));
        Assert.Equal([2, 3, 4, 5], Steps(points, "heldout/accuracy"));
        Assert.All(points.Where(p => p.Tag == "train/loss"), p => Assert.InRange(p.Value, 1f, 20f));
        Assert.All(points.Where(p => p.Tag == "train/lr"), p => Assert.InRange(p.Value, 1e-9f, 5e-4f));
    }

    [Fact]
    public void NoTensorboardWritesNoFolderAndTheSameModelAndTensorboardDirMovesTheFiles()
    {
        using var folder = new TempFolder();
        var quiet = Path.Combine(folder.Path, "quiet");
        var moved = Path.Combine(folder.Path, "moved");
        var elsewhere = Path.Combine(folder.Path, "curves", "pretrain");

        var off = ConsoleCapture.Run(Pretrain(quiet, "--no-tensorboard"));
        var on = ConsoleCapture.Run(Pretrain(moved, "--tensorboard", elsewhere));

        Assert.True(off.ExitCode == 0, off.Error);
        Assert.True(on.ExitCode == 0, on.Error);
        Assert.False(Directory.Exists(Path.Combine(quiet, "tensorboard")));
        Assert.False(Directory.Exists(Path.Combine(moved, "tensorboard")));
        Assert.Equal([1, 2, 3, 4, 5], Steps(TensorBoardEventFile.ReadFolder(elsewhere), "train/loss"));
        // The writer only observes: weights and optimizer state are the same bytes with and without it.
        Assert.Equal(File.ReadAllBytes(Path.Combine(quiet, "model.safetensors")), File.ReadAllBytes(Path.Combine(moved, "model.safetensors")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(quiet, "pretrain-state", "optimizer.bin")), File.ReadAllBytes(Path.Combine(moved, "pretrain-state", "optimizer.bin")));
    }

    [Fact]
    public void BothTensorboardOptionsExitWithTwo()
    {
        using var folder = new TempFolder();

        var (code, _, error) = ConsoleCapture.Run(Pretrain(Path.Combine(folder.Path, "x"), "--no-tensorboard", "--tensorboard", folder.Path));

        Assert.Equal(2, code);
        Assert.Contains("--no-tensorboard", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FinetuneEventRecordsHoldBatchStepsOnceAndDevFiguresAtEpochEndsAcrossAResume()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = AugmentCommandTests.DemoFile(folder, "train", 6);
        var dev = AugmentCommandTests.DemoFile(folder, "dev", 4);
        var tuned = Path.Combine(folder.Path, "tuned");
        string[] Args(string epochs) => ["finetune", "--model", model, "--train", train, "--dev", dev, "--out", tuned, "--epochs", epochs, "--batch-size", "2"];

        var first = ConsoleCapture.Run(Args("1"));
        var resumed = ConsoleCapture.Run(Args("2"));

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var points = TensorBoardEventFile.ReadFolder(Path.Combine(tuned, "tensorboard"));
        var devSteps = Steps(points, "dev/loss");
        Assert.Equal(2, devSteps.Length);
        var batches = devSteps[0];
        Assert.Equal([batches, 2 * batches], devSteps);
        Assert.Equal(devSteps, Steps(points, "dev/accuracy"));
        Assert.Equal(devSteps, Steps(points, "train/epoch_loss"));
        // A batch whose draw masked nothing has no loss; every other step has one, once, in order, in both runs.
        var lossSteps = Steps(points, "train/loss");
        Assert.Equal(lossSteps.Distinct().Order(), lossSteps);
        Assert.All(lossSteps, s => Assert.InRange(s, 1, 2 * batches));
        Assert.Contains(lossSteps, s => s <= batches);
        Assert.Contains(lossSteps, s => s > batches);
        Assert.Equal(Steps(points, "train/loss"), Steps(points, "train/lr"));
    }

    [Fact]
    public void AugmentStagesWriteTheirCurvesInASubfolderEachAndNoTensorboardWritesNoneAndTheSameBytes()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = AugmentCommandTests.DemoFile(folder, "train", 8);
        var dev = AugmentCommandTests.DemoFile(folder, "dev", 4);
        string[] Args(string output, params string[] more) => ["augment", "--model", model, "--train", train, "--dev", dev, "--out", output,
            "--epochs", "2", "--batch-size", "4", "--lr", "1e-3", "--seed", "5", "--rounds", "1", "--tagger-epochs", "2", .. more];
        var with = Path.Combine(folder.Path, "with");
        var without = Path.Combine(folder.Path, "without");

        var on = ConsoleCapture.Run(Args(with));
        var off = ConsoleCapture.Run(Args(without, "--no-tensorboard"));

        Assert.True(on.ExitCode == 0, on.Error);
        Assert.True(off.ExitCode == 0, off.Error);
        var tagger = TensorBoardEventFile.ReadFolder(Path.Combine(with, "tensorboard", "filter-tagger"));
        Assert.Equal(2, Steps(tagger, "dev/f1").Length);
        Assert.Equal(Steps(tagger, "dev/f1")[^1], Steps(tagger, "train/loss")[^1]);
        var tuning = TensorBoardEventFile.ReadFolder(Path.Combine(with, "tensorboard", "fine-tune"));
        Assert.Equal(2, Steps(tuning, "dev/loss").Length);
        Assert.Equal(2, Steps(tuning, "dev/accuracy").Length);
        Assert.NotEmpty(Steps(tuning, "train/loss"));
        Assert.False(Directory.Exists(Path.Combine(without, "tensorboard")));
        foreach (var name in new[] { "aug.jsonl", "summary.json", "melm-model/model.safetensors", "filter-tagger/model.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(with, name)), File.ReadAllBytes(Path.Combine(without, name)));
    }
}
