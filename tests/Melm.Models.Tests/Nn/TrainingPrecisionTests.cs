using System.Text.Json;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Nn;
using Melm.Models.Tests.Augmentation;
using Melm.Models.Mlm;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Nn;

/// <summary>
/// `--precision` reaches the two trainers the experiments and runs use (MELM fine-tuning and the
/// taggers), and fp32 options serialize as they did before the option existed (run ids, fingerprints).
/// </summary>
[Collection(TorchGlobalGenerator.Collection)]
public sealed class TrainingPrecisionTests
{
    [Fact]
    public void Fp32OptionsLeavePrecisionOutOfTheirJsonAndBf16WritesIt()
    {
        Assert.DoesNotContain("recision", JsonSerializer.Serialize(new FineTuneOptions()), StringComparison.Ordinal);
        Assert.Contains("Precision", JsonSerializer.Serialize(new FineTuneOptions(Precision: Precision.Bf16Autocast)), StringComparison.Ordinal);
        Assert.DoesNotContain("recision", JsonSerializer.Serialize(new NerTrainingOptions { Seed = 1 }), StringComparison.Ordinal);
        Assert.Contains("Precision", JsonSerializer.Serialize(new NerTrainingOptions { Seed = 1, Precision = Precision.Bf16Autocast }), StringComparison.Ordinal);
    }

    [Fact]
    public void Bf16FineTuningRunsUnderAutocastAndRecordsItsPrecision()
    {
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 6);
        var dev = MelmFixtures.Demo(split: "dev", count: 3);
        var fp32 = new FineTuneOptions(Epochs: 1, BatchSize: 3, LearningRate: 1e-3, Seed: 5);

        FineTuneResult Run(string name, FineTuneOptions options)
        {
            using var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm);
            return MelmFineTuner.Run(model, train, dev, options, output.File(name));
        }
        var full = Run("fp32", fp32);
        var half = Run("bf16", fp32 with { Precision = Precision.Bf16Autocast });

        Assert.True(double.IsFinite(half.Epochs[0].TrainLoss));
        // Autocast computes the matmuls in bf16: the same seed and data give other numbers.
        Assert.NotEqual(full.Epochs[0].TrainLoss, half.Epochs[0].TrainLoss);
        using var loaded = MelmModel.Load(output.File("bf16"));
        Assert.Equal(Precision.Bf16Autocast, loaded.Info.FineTune!.Precision);
    }

    [Fact]
    public void Bf16TaggerTrainingRunsUnderAutocast()
    {
        using var encoder = MelmFixtures.PretrainedFolder();
        using var output = TinyModels.Scratch();
        var gold = new Corpus("train.txt", MelmFixtures.Demo(count: 6));
        var dev = new Corpus("dev.txt", MelmFixtures.Demo(split: "dev", count: 3));
        var options = new NerTrainingOptions { Seed = 3, Epochs = 1, LearningRate = 1e-2, BatchSize = 3 };

        var (full, _) = NerTrainer.TrainAndSave(encoder.Path, gold, dev, options, CPU, output.File("fp32"));
        var (half, _) = NerTrainer.TrainAndSave(encoder.Path, gold, dev, options with { Precision = Precision.Bf16Autocast }, CPU, output.File("bf16"));

        Assert.True(double.IsFinite(half.Epochs[0].TrainLoss));
        Assert.NotEqual(full.Epochs[0].TrainLoss, half.Epochs[0].TrainLoss);
    }
}
