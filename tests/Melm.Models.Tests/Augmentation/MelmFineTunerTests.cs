using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Nn;
using Melm.Models.Text;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.Augmentation;

/// <summary>Alone, because dropout draws from torch's global generator, which tests building models in parallel also draw from.</summary>
[Collection(TorchGlobalGenerator.Collection)]
public sealed class MelmFineTunerTests
{
    private static readonly FineTuneOptions TwoEpochs = new(Epochs: 2, BatchSize: 4, LearningRate: 1e-3, Seed: 4);

    [Fact]
    public void SavesTheBestEpochWithMarkersAndTheSameSeedGivesTheSameWeights()
    {
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 8);
        var dev = MelmFixtures.Demo(split: "dev", count: 4);

        FineTuneResult Run(string name)
        {
            using var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm);
            return MelmFineTuner.Run(model, train, dev, TwoEpochs, output.File(name));
        }
        var first = Run("a");
        var second = Run("b");

        Assert.Equal(2, first.Epochs.Count);
        Assert.All(first.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss) && e.DevLoss is > 0));
        Assert.Equal(first.Epochs.MinBy(e => e.DevLoss)!.Epoch, first.BestEpoch);
        Assert.Equal(File.ReadAllBytes(output.File("a/model.safetensors")), File.ReadAllBytes(output.File("b/model.safetensors")));
        Assert.Equal(first.Epochs, second.Epochs);

        using var loaded = MelmModel.Load(output.File("a"));
        Assert.Equal(first.BestEpoch, loaded.Info.BestEpoch);
        Assert.Equal(TwoEpochs, loaded.Info.FineTune);
        Assert.All(loaded.Markers.AllMarkers, m => Assert.True(loaded.Tokenizer.IsAdded(loaded.Tokenizer.PieceToId(m)!.Value)));
        Assert.Contains("<B-PER>", loaded.Markers.AllMarkers);
    }

    [Fact]
    public void AFullDiskAtACheckpointNamesTheFolderKeepsTheLastCheckpointAndTheResumedRunEndsAsAStraightOne()
    {
        using var disk = TinyDisk.Mount(megabytes: 16);
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 6);
        var dev = MelmFixtures.Demo(split: "dev", count: 3);
        var folder = disk.Combine("tuned");

        FineTuneResult Run(string to, FineTuneOptions options)
        {
            using var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm);
            return MelmFineTuner.Run(model, train, dev, options, to);
        }
        Run(folder, TwoEpochs with { Epochs = 1 });
        var lastGood = TinyDisk.Snapshot(folder);

        disk.Fill();
        var error = Assert.Throws<CheckpointWriteException>(() => Run(folder, TwoEpochs));
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        // Epoch 1's best model and checkpoint, byte for byte, and nothing half written beside them.
        TinyDisk.AssertUnchanged(lastGood, folder);

        disk.Free();
        var resumed = Run(folder, TwoEpochs);
        var straight = Run(output.File("straight"), TwoEpochs);
        Assert.Equal(1, resumed.ResumedAfterEpoch);
        Assert.Equal(straight.Epochs, resumed.Epochs);
        foreach (var name in new[] { "model.safetensors", "melm.json", "checkpoint/model.safetensors", "checkpoint/state.json" })
            Assert.Equal(File.ReadAllBytes(output.File("straight/" + name)), File.ReadAllBytes(Path.Combine(folder, name)));
    }

    [Fact]
    public void ResumesFromTheLastEpochAndRefusesOtherOptions()
    {
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 6);
        var dev = MelmFixtures.Demo(split: "dev", count: 3);
        var oneEpoch = TwoEpochs with { Epochs = 1 };

        FineTuneResult Run(string name, FineTuneOptions options)
        {
            using var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm);
            return MelmFineTuner.Run(model, train, dev, options, output.File(name));
        }
        Run("resumed", oneEpoch);
        var resumed = Run("resumed", TwoEpochs);
        var straight = Run("straight", TwoEpochs);

        Assert.Equal(1, resumed.ResumedAfterEpoch);
        Assert.Equal(straight.Epochs, resumed.Epochs);
        Assert.Equal(
            File.ReadAllBytes(output.File("straight/checkpoint/model.safetensors")),
            File.ReadAllBytes(output.File("resumed/checkpoint/model.safetensors")));
        var error = Assert.Throws<InputException>(() => Run("resumed", TwoEpochs with { LearningRate = 2e-3 }));
        Assert.Contains("other options", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderWhoseTokenizerLacksTheMarkersIsRefused()
    {
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 4);
        using (var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm))
            MelmFineTuner.Run(model, train, [], TwoEpochs with { Epochs = 1 }, output.Path);
        File.Delete(output.File(XlmrTokenizer.AddedTokensFileName));

        var error = Assert.Throws<InputException>(() => MelmModel.Load(output.Path));

        Assert.Contains("the tokenizer lacks the markers <B-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABioesDevTypeTheTrainingDataLacksGetsEveryMarkerOfTheSchemeAndCountsInTheDevLoss()
    {
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 6).Select(s => TagSchemes.Convert(s, TagScheme.Bioes)).ToArray();
        // Only PRODUCT entities: the dev loss is there only if they are linearized and masked.
        Sentence[] dev = [new("d:0", "en", ["Acme", "Rocket", "ships", "today"], ["B-PRODUCT", "E-PRODUCT", "O", "O"])];

        using var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm, dev: dev);
        var result = MelmFineTuner.Run(model, train, dev, TwoEpochs with { Epochs = 1 }, output.Path);

        foreach (var prefix in "BIES")
            Assert.Contains($"<{prefix}-PRODUCT>", model.Markers.AllMarkers);
        Assert.NotNull(result.BestDevLoss);
        Assert.True(double.IsFinite(result.BestDevLoss.Value));
        using var loaded = MelmModel.Load(output.Path);
        Assert.Contains("S-PRODUCT", loaded.Info.Tags);
    }

    [Fact]
    public void TheFixtureModelFineTunesAndGenerates()
    {
        var fixture = SharedFiles.Require("fixtures/tiny-xlmr");
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 6);
        using (var model = MelmModel.Prepare(fixture, train, AugmentationMethod.Melm))
            MelmFineTuner.Run(model, train, MelmFixtures.Demo(split: "dev", count: 3), TwoEpochs, output.Path);
        using var tuned = MelmModel.Load(output.Path);
        using var generator = new MelmGenerator(tuned, new GenerationOptions(Seed: 1));

        var result = AugmentationRun.Run(generator, train, rounds: 3, filter: null);

        Assert.Equal(3 * train.Count(s => s.Entities().Count > 0), result.Made.Count());
        Assert.NotEmpty(result.Kept);
        Assert.All(result.Kept, r => Assert.Equal(train.Single(s => s.Id == r.SourceId).Tags, r.Sentence.Tags));
    }
}
