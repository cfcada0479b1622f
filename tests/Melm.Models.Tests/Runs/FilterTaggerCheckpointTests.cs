using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Runs;
using Melm.Models.Tests.Augmentation;
using Melm.Models.Tests.Nn;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Runs;

/// <summary>The filter's tagger (`ner train`, a run's filter-tagger stage) saved on a disk that fills up.</summary>
[Collection(TorchGlobalGenerator.Collection)]
public sealed class FilterTaggerCheckpointTests
{
    private static readonly NerTrainingOptions Options = new() { Seed = 3, Epochs = 2, LearningRate = 1e-2, BatchSize = 4 };

    [Fact]
    public void AFullDiskNamesTheFolderLeavesNoTaggerToReuseAndTheRetryEndsAsAStraightOne()
    {
        using var disk = TinyDisk.Mount(megabytes: 16);
        using var encoder = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var gold = new Corpus("train.txt", MelmFixtures.Demo(count: 8));
        var dev = new Corpus("dev.txt", MelmFixtures.Demo(split: "dev", count: 4));
        var folder = disk.Combine("filter-tagger");
        string Train(string to) => StageRunner.TrainFilterTagger(encoder.Path, gold, dev, Options, CPU, to);

        disk.Fill();
        var error = Assert.Throws<CheckpointWriteException>(() => Train(folder));
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        // No metadata, so nothing a later attempt would take for a finished tagger; no staging folder left taking room.
        Assert.Empty(Directory.GetFileSystemEntries(folder));

        disk.Free();
        Assert.StartsWith("epoch ", Train(folder), StringComparison.Ordinal);
        Train(output.File("straight"));
        var names = Directory.GetFiles(output.File("straight")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(names, Directory.GetFiles(folder).Select(Path.GetFileName).Order().ToArray());
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(output.File("straight"), name!)), File.ReadAllBytes(Path.Combine(folder, name!)));
        Assert.StartsWith("reusing ", Train(folder), StringComparison.Ordinal);
    }

    [Fact]
    public void ASaveThatFailsLeavesTheTaggerAlreadyThereWhole()
    {
        using var disk = TinyDisk.Mount(megabytes: 16);
        using var encoder = MelmFixtures.PretrainedFolder();
        var gold = new Corpus("train.txt", MelmFixtures.Demo(count: 8));
        var dev = new Corpus("dev.txt", MelmFixtures.Demo(split: "dev", count: 4));
        var folder = disk.Combine("tagger");
        NerTrainer.TrainAndSave(encoder.Path, gold, dev, Options, CPU, folder);
        var before = TinyDisk.Snapshot(folder);

        disk.Fill();
        var error = Assert.Throws<CheckpointWriteException>(() => NerTrainer.TrainAndSave(encoder.Path, gold, dev, Options with { Seed = 4 }, CPU, folder));
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);

        TinyDisk.AssertUnchanged(before, folder);
        var (tagger, _) = TaggerFolder.Load(folder, CPU);
        tagger.Dispose();
    }
}
