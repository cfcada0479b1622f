using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Melm.Models.Nn;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Randomness;
using Melm.Models.Text;
using TorchSharp;
using Melm.Models.Augmentation;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>
/// MELM fine-tuning (paper 2.2, eq. 1): every epoch masks entity subwords anew with rate eta and
/// trains on the cross-entropy of the masked positions only (the authors' code also counted
/// unmasked tokens, markers and padding). Adam, no weight decay. After each epoch the dev loss
/// (fixed masks) picks the best weights, which go to the output folder, and a checkpoint of the
/// last epoch lets a rerun with the same folder resume.
/// </summary>
public static class MelmFineTuner
{
    public const string CheckpointFolder = "checkpoint";

    /// <summary>
    /// Prepares <paramref name="pretrainedFolder"/> with the markers of the training data's tags (or of
    /// <paramref name="labelSource"/>'s, the task's full data when the training data is a sample that may
    /// lack a tag its dev set has), and of any dev tags beyond them (MelmModel.MarkedTags), and
    /// fine-tunes it into <paramref name="outFolder"/>: `melm finetune`, augment's fine-tune stage and
    /// the experiment grid.
    /// </summary>
    public static FineTuneResult FromPretrained(
        string pretrainedFolder, Corpus train, Corpus? dev, string outFolder, AugmentationMethod method, FineTuneOptions options,
        IReadOnlyList<string>? languages, Device device, IProgress<ProgressUpdate>? progress = null, IReadOnlyList<Sentence>? labelSource = null,
        ITrainingCurves? curves = null)
    {
        if (!AugmentationMethods.IsFineTuned(method))
            throw new InputException("--method", null, $"{AugmentationMethods.Name(method)} fine-tunes no masked LM; there is nothing to fine-tune");
        using var model = MelmModel.Prepare(pretrainedFolder, labelSource ?? train.Sentences, method, languages, device: device, dev: dev?.Sentences);
        return Run(model, train.Sentences, dev?.Sentences ?? [], options, outFolder, progress, train.Source, dev?.Source ?? "dev", curves);
    }

    /// <summary>
    /// Fine-tunes <paramref name="model"/> in place and saves the best epoch to <paramref name="outFolder"/>.
    /// Resumes from the folder's checkpoint when one exists for the same options and data; refuses one
    /// made with other options or data. Afterwards <paramref name="model"/> holds the last epoch's weights.
    /// <paramref name="curves"/> gets train/loss, train/lr and train/tokens_per_second per batch (global
    /// steps count batches from the first epoch, so a resumed run continues them) and train/epoch_loss,
    /// dev/loss and dev/accuracy at each epoch's last step.
    /// </summary>
    public static FineTuneResult Run(
        MelmModel model,
        IReadOnlyList<Sentence> train,
        IReadOnlyList<Sentence> dev,
        FineTuneOptions options,
        string outFolder,
        IProgress<ProgressUpdate>? progress = null,
        string trainSource = "train",
        string devSource = "dev",
        ITrainingCurves? curves = null)
    {
        curves ??= NoTrainingCurves.Instance;
        CheckOptions(options);
        model.Mlm.Precision = options.Precision;
        SentenceIds.CheckUnique(train, trainSource);
        SentenceIds.CheckUnique(dev, devSource);
        model.CheckCovers(train, trainSource);
        model.CheckCovers(dev, devSource);
        var maxSubwords = model.Mlm.Config.MaxSequenceLength - 2;
        var trainSet = Prepare(model, train, maxSubwords, trainSource);
        var devSet = Prepare(model, dev, maxSubwords, devSource);
        if (trainSet.Count == 0)
            throw new InputException(trainSource, null, "no sentence has an entity: MELM fine-tunes on entity subwords only");

        var fingerprint = Fingerprint(model, train, dev, options);
        var checkpoint = Path.Combine(outFolder, CheckpointFolder);
        var state = ReadState(checkpoint, fingerprint) ?? new TrainingState(fingerprint, 0, 0, null, []);
        var resumedAfter = state.Epoch;
        Directory.CreateDirectory(checkpoint);

        var device = model.Mlm.Device;
        using var optimizer = optim.Adam(model.Mlm.parameters(), options.LearningRate);
        if (resumedAfter > 0)
        {
            model.LoadWeights(Path.Combine(checkpoint, ModelFileName));
            TrainingCheckpoint.LoadOptimizer(optimizer, checkpoint);
        }

        var batches = (trainSet.Sum(s => s.Windows.Count) + options.BatchSize - 1) / options.BatchSize;
        curves.Start(resumedAfter * batches);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long tokensThisRun = 0;
        for (var epoch = resumedAfter + 1; epoch <= options.Epochs; epoch++)
        {
            model.Mlm.train();
            var rows = Rows(model, trainSet, s => SeedDerivation.For(options.Seed, "finetune-mask", s.Id, epoch), options.MaskRate);
            SeedDerivation.For(options.Seed, "finetune-shuffle", "", epoch).Shuffle(rows);
            double lossSum = 0;
            long lossCount = 0;
            var stage = $"fine-tune epoch {epoch}/{options.Epochs}";
            for (var b = 0; b < batches; b++)
            {
                var batch = rows.Skip(b * options.BatchSize).Take(options.BatchSize).Where(r => r.Positions.Length > 0).ToArray();
                if (batch.Length > 0)
                {
                    using var scope = NewDisposeScope();
                    TorchRandom.Reseed(options.Seed, "dropout", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), b);
                    var (ids, attention, flat, labels) = MaskedBatch.Of(batch, XlmrTokenizer.Pad, device);
                    optimizer.zero_grad();
                    var hidden = model.Mlm.Encode(ids, attention);
                    var logits = model.Mlm.PredictAt(hidden, flat);
                    var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels);
                    loss.backward();
                    optimizer.step();
                    var n = labels.shape[0];
                    var batchLoss = loss.item<float>();
                    lossSum += batchLoss * n;
                    lossCount += n;
                    tokensThisRun += batch.Sum(r => (long)r.Ids.Length);
                    var step = (epoch - 1) * batches + b + 1;
                    curves.Scalar("train/loss", batchLoss, step);
                    curves.Scalar("train/lr", options.LearningRate, step);
                    curves.Scalar("train/tokens_per_second", tokensThisRun / Math.Max(1e-9, clock.Elapsed.TotalSeconds), step);
                }
                progress?.Report(new ProgressUpdate(stage, b + 1, batches, "batches",
                    [new("loss", lossCount > 0 ? lossSum / lossCount : double.NaN)]));
            }

            var (devLoss, devAccuracy) = DevScore(model, devSet, options);
            var trainLoss = lossCount > 0 ? lossSum / lossCount : double.NaN;
            curves.Scalar("train/epoch_loss", trainLoss, epoch * batches);
            if (devLoss is { } scoredLoss)
            {
                curves.Scalar("dev/loss", scoredLoss, epoch * batches);
                curves.Scalar("dev/accuracy", devAccuracy ?? double.NaN, epoch * batches);
            }
            var improved = devLoss is null || state.BestDevLoss is null || devLoss < state.BestDevLoss;
            state = state with
            {
                Epoch = epoch,
                BestEpoch = improved ? epoch : state.BestEpoch,
                BestDevLoss = improved ? devLoss : state.BestDevLoss,
                Epochs = [.. state.Epochs, new FineTuneEpoch(epoch, trainLoss, devLoss, devAccuracy)],
            };
            if (improved)
                model.Save(outFolder, model.Info with { FineTune = options, BestEpoch = epoch, BestDevLoss = devLoss });
            SaveCheckpoint(model, optimizer, checkpoint, state);
            progress?.Report(new ProgressUpdate("fine-tune", epoch, options.Epochs, "epochs",
                [new("train loss", trainLoss), new("dev loss", devLoss ?? double.NaN), new("best epoch", state.BestEpoch)]));
        }
        model.Mlm.eval();
        return new FineTuneResult(outFolder, state.BestEpoch, state.BestDevLoss, state.Epochs, resumedAfter);
    }

    private const string ModelFileName = "model.safetensors";

    /// <summary>A sentence with entities, encoded, with its windows.</summary>
    private sealed record Prepared(Sentence Sentence, MelmEncoding Encoding, IReadOnlyList<Sequences.WordWindow> Windows);

    /// <summary>The checkpoint's bookkeeping; <see cref="Fingerprint"/> ties it to the options and data.</summary>
    private sealed record TrainingState(string Fingerprint, int Epoch, int BestEpoch, double? BestDevLoss, IReadOnlyList<FineTuneEpoch> Epochs);

    private static List<Prepared> Prepare(MelmModel model, IReadOnlyList<Sentence> sentences, int maxSubwords, string source) =>
        sentences.Where(s => s.Tags.Any(t => t != Tag.OutsideText))
            .Select(s =>
            {
                var encoding = model.Encode(s);
                return new Prepared(s, encoding, SubwordWindows.PlanFor(s, encoding, maxSubwords, source));
            })
            .ToList();

    /// <summary>One row per window; each masked position is predicted in the window whose core holds it.</summary>
    private static List<MaskedRow> Rows(MelmModel model, IReadOnlyList<Prepared> set, Func<Sentence, StableRandom> random, double maskRate)
    {
        var rows = new List<MaskedRow>();
        foreach (var item in set)
        {
            var masked = MaskSampler.ForFineTuning(item.Encoding.IsEntity, maskRate, random(item.Sentence));
            foreach (var window in item.Windows)
                rows.Add(MaskedRow.ForWindow(item.Encoding.Ids, masked, window, model.Tokenizer.Mask).Row);
        }
        return rows;
    }

    /// <summary>
    /// Mean cross-entropy over the dev set's masked entity subwords, with masks fixed for the whole
    /// run, and the share of them whose top prediction is the original piece.
    /// </summary>
    private static (double? Loss, double? Accuracy) DevScore(MelmModel model, IReadOnlyList<Prepared> devSet, FineTuneOptions options)
    {
        var rows = Rows(model, devSet, s => SeedDerivation.For(options.Seed, "dev-mask", s.Id, 0), options.MaskRate)
            .Where(r => r.Positions.Length > 0).ToList();
        if (rows.Count == 0)
            return (null, null);
        model.Mlm.eval();
        using var noGrad = no_grad();
        double sum = 0;
        long count = 0, correct = 0;
        foreach (var chunk in rows.Chunk(options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var (ids, attention, flat, labels) = MaskedBatch.Of(chunk, XlmrTokenizer.Pad, model.Mlm.Device);
            var logits = model.Mlm.PredictAt(model.Mlm.Encode(ids, attention), flat);
            sum += nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
            count += labels.shape[0];
        }
        return (sum / count, (double)correct / count);
    }

    private static void SaveCheckpoint(MelmModel model, TorchSharp.Modules.Adam optimizer, string folder, TrainingState state) =>
        TrainingCheckpoint.Save(folder,
            staging => Checkpoints.SafetensorsFile.Write(Path.Combine(staging, ModelFileName), model.Mlm.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter))),
            optimizer, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(state, MelmFolderInfo.JsonOptions) + "\n"));

    private static TrainingState? ReadState(string folder, string fingerprint)
    {
        if (TrainingCheckpoint.StatePath(folder) is not { } path)
            return null;
        TrainingState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllBytes(path), MelmFolderInfo.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not a fine-tuning checkpoint: {e.Message}");
        }
        if (state is null || state.Fingerprint != fingerprint)
            throw new InputException(path, null, "this folder holds a fine-tuning run with other options, model or data; use another --out, or delete the folder to start over");
        return state;
    }

    /// <summary>A hash of the options, the model's marker set and the data: a checkpoint resumes only the run that made it.</summary>
    private static string Fingerprint(MelmModel model, IReadOnlyList<Sentence> train, IReadOnlyList<Sentence> dev, FineTuneOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(options with { Epochs = 0 }, MelmFolderInfo.JsonOptions));
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(model.Info with { FineTune = null, BestEpoch = 0, BestDevLoss = null }, MelmFolderInfo.JsonOptions));
        hash.AppendData(JsonLines.Serialize(train));
        hash.AppendData([0]);
        hash.AppendData(JsonLines.Serialize(dev));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Throws an InputException naming every out-of-range option.</summary>
    public static void CheckOptions(FineTuneOptions options)
    {
        var problems = new List<string>();
        if (options.Epochs <= 0)
            problems.Add($"epochs must be positive, got {options.Epochs}");
        if (options.BatchSize <= 0)
            problems.Add($"batch size must be positive, got {options.BatchSize}");
        if (!(options.LearningRate > 0))
            problems.Add($"learning rate must be positive, got {options.LearningRate}");
        if (options.MaskRate is <= 0 or > 1)
            problems.Add($"mask rate must lie in (0, 1], got {options.MaskRate}");
        if (problems.Count > 0)
            throw new InputException([.. problems.Select(p => new InputProblem("fine-tune options", null, p))]);
    }
}
