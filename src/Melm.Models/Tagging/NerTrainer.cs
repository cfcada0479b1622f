using System.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Evaluation;
using Melm.Models.Randomness;
using Melm.Models.Text;
using TorchSharp;
using TorchSharp.Modules;
using Melm.Models.Ner;
using static TorchSharp.torch;

namespace Melm.Models.Tagging;

/// <summary>
/// Trains a tagger on gold (plus kept augmented) sentences: AdamW, seeded shuffles and dropout,
/// entity F1 on dev after every epoch, and the best epoch's weights kept (the paper's model selection).
/// </summary>
public static class NerTrainer
{
    public const string Stage = "ner train";

    /// <summary>
    /// Trains a tagger from a pretrained encoder folder on gold data and saves it: `ner train`, the
    /// consistency filter of `augment` (its filter-tagger stage) and the experiment grid. The labels are
    /// those of the training data unless <paramref name="labels"/> names the task's full label set (a
    /// sample may lack some). <paramref name="say"/> gets a line on the data and the encoder.
    /// </summary>
    public static (NerTrainingResult Result, TimeSpan Took) TrainAndSave(
        string modelPath, Corpus trainCorpus, Corpus devCorpus, NerTrainingOptions options, Device compute, string outPath,
        TaggerLabels? labels = null, int? maxLength = null, IProgress<ProgressUpdate>? progress = null, Action<string>? say = null,
        ITrainingCurves? curves = null)
    {
        labels ??= TaggerLabels.FromTraining(trainCorpus);
        var tokenizer = XlmrTokenizer.Load(modelPath);
        using var tagger = NerTagger.FromPretrained(modelPath, labels, options.Seed, compute);
        tagger.Precision = options.Precision;
        if (maxLength is { } window)
        {
            if (window < 4 || window > tagger.Config.MaxSequenceLength)
                throw new InputException("--max-length", null, $"must be between 4 and the model's {tagger.Config.MaxSequenceLength}, got {window}");
            tagger.MaxLength = window;
        }
        say?.Invoke($"train {trainCorpus.Source}: {trainCorpus.Sentences.Count} sentences, {TagSchemes.Name(labels.Scheme)}, labels {string.Join(" ", labels.Names)}");
        say?.Invoke($"dev {devCorpus.Source}: {devCorpus.Sentences.Count} sentences; encoder {tagger.Config} from {modelPath} on {compute}, window {tagger.MaxLength}");
        var clock = Stopwatch.StartNew();
        var result = Train(tagger, tokenizer, trainCorpus, devCorpus, options, progress, curves: curves);
        TaggerFolder.Save(tagger, tokenizer, outPath);
        return (result, clock.Elapsed);
    }

    /// <summary>
    /// Trains <paramref name="tagger"/> in place and leaves it holding the best dev epoch's weights,
    /// in eval mode. Bad data (tags the tagger does not know, an empty dev set, a token longer than
    /// half the window) is an InputException naming file and line, raised before any step.
    /// <paramref name="curves"/> gets train/loss, train/lr (the encoder's) and train/sentences_per_second per
    /// step and train/epoch_loss and dev/f1 at each epoch's last step; training always starts over.
    /// </summary>
    public static NerTrainingResult Train(NerTagger tagger, XlmrTokenizer tokenizer, Corpus train, Corpus dev, NerTrainingOptions options,
        IProgress<ProgressUpdate>? progress = null, ITrainingCurves? curves = null, CancellationToken cancellationToken = default)
    {
        curves ??= NoTrainingCurves.Instance;
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(options);
        CheckData(tagger, tokenizer, train, dev, options);

        // Sentences without tokens carry no labels to learn from.
        var trainSentences = train.Sentences.Where(s => s.Tokens.Count > 0).ToList();
        var trainInputs = trainSentences.Select(s => tagger.Encode(tokenizer, s.Tokens)).ToArray();
        var trainTags = trainSentences.Select(s => (IReadOnlyList<int>)s.Tags.Select(tagger.Labels.IndexOf).ToArray()).ToArray();
        var devInputs = dev.Sentences.Select(s => tagger.Encode(tokenizer, s.Tokens)).ToArray();
        var predictor = new NerPredictor(tagger, tokenizer, options.EvalBatchSize);

        var stepsPerEpoch = (trainInputs.Length + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var warmupSteps = (int)Math.Round(options.WarmupFraction * totalSteps);
        TorchRandom.Reseed(options.Seed, "ner dropout");

        var trainable = options.FreezeEncoder ? tagger.ClassifierParameters() : [.. tagger.EncoderParameters(), .. tagger.ClassifierParameters()];
        var crfLearningRate = options.CrfLearningRate ?? options.LearningRate;
        var groups = new[]
        {
            new AdamW.ParamGroup(trainable.Select(p => p.Parameter), options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay),
            new AdamW.ParamGroup(tagger.CrfParameters().Select(p => p.Parameter), crfLearningRate, 0.9, 0.999, 1e-8, options.WeightDecay),
        };
        var baseRates = new[] { options.LearningRate, crfLearningRate };
        if (options.FreezeEncoder)
        {
            foreach (var (_, parameter) in tagger.EncoderParameters())
                parameter.requires_grad = false;
        }
        using var optimizer = new AdamW(groups, options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay);
        var epochs = new List<NerEpoch>();
        Dictionary<string, Tensor>? best = null;
        var bestEpoch = 0;
        var bestF1 = double.NegativeInfinity;
        var step = 0;
        curves.Start(0);
        var clock = Stopwatch.StartNew();
        long sentencesSeen = 0;
        try
        {
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                tagger.train();
                var order = Enumerable.Range(0, trainInputs.Length).ToList();
                SeedDerivation.For(options.Seed, "ner shuffle", "", epoch).Shuffle(order);
                var lossSum = 0.0;
                var batches = 0;
                foreach (var chunk in order.Chunk(options.BatchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    float batchLoss;
                    var factor = Schedule(step, totalSteps, warmupSteps, options.LinearDecay);
                    for (var g = 0; g < groups.Length; g++)
                        groups[g].Options.LearningRate = baseRates[g] * factor;
                    using (var scope = NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        var loss = tagger.Loss(chunk.Select(i => trainInputs[i]).ToList(), chunk.Select(i => trainTags[i]).ToList());
                        loss.backward();
                        if (options.MaxGradNorm is { } maxNorm)
                            nn.utils.clip_grad_norm_(trainable.Concat(tagger.CrfParameters()).Select(p => p.Parameter), maxNorm);
                        optimizer.step();
                        batchLoss = loss.item<float>();
                        lossSum += batchLoss;
                    }
                    batches++;
                    step++;
                    sentencesSeen += chunk.Length;
                    curves.Scalar("train/loss", batchLoss, step);
                    curves.Scalar("train/lr", options.LearningRate * factor, step);
                    curves.Scalar("train/sentences_per_second", sentencesSeen / Math.Max(1e-9, clock.Elapsed.TotalSeconds), step);
                    progress?.Report(new ProgressUpdate(Stage, step, totalSteps, "batches", Metrics(epoch, lossSum / batches, epochs)));
                }

                var predicted = predictor.PredictEncoded(devInputs);
                var devF1 = EntityF1.Score(dev.Sentences.Select((s, i) => (s.Tags, predicted[i]))).Overall.F1;
                epochs.Add(new NerEpoch(epoch, lossSum / batches, devF1));
                curves.Scalar("train/epoch_loss", lossSum / batches, step);
                curves.Scalar("dev/f1", devF1, step);
                progress?.Report(new ProgressUpdate(Stage, step, totalSteps, "batches", Metrics(epoch, lossSum / batches, epochs)));
                if (devF1 > bestF1)
                {
                    DisposeAll(best);
                    best = Snapshot(tagger);
                    bestEpoch = epoch;
                    bestF1 = devF1;
                }
            }
            Restore(tagger, best!);
        }
        finally
        {
            DisposeAll(best);
            foreach (var (_, parameter) in tagger.EncoderParameters())
                parameter.requires_grad = true;
            tagger.eval();
        }
        return new NerTrainingResult(epochs, bestEpoch, bestF1, step);
    }

    /// <summary>The learning-rate factor at a step: linear warmup from 0, then 1 or a linear fall to 0 at the end.</summary>
    public static double Schedule(int step, int totalSteps, int warmupSteps, bool linearDecay)
    {
        if (step < warmupSteps)
            return (double)step / warmupSteps;
        if (!linearDecay)
            return 1.0;
        return Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmupSteps));
    }

    private static void CheckData(NerTagger tagger, XlmrTokenizer tokenizer, Corpus train, Corpus dev, NerTrainingOptions options)
    {
        var problems = new List<InputProblem>(options.Check("training options"));
        if (!train.Sentences.Any(s => s.Tokens.Count > 0))
            problems.Add(new InputProblem(train.Source, null, "the training file holds no sentences"));
        if (dev.Sentences.Count == 0)
            problems.Add(new InputProblem(dev.Source, null, "the dev file holds no sentences: training picks the epoch with the best dev F1"));
        foreach (var corpus in new[] { train, dev })
        {
            problems.AddRange(tagger.Labels.Unknown(corpus));
            problems.AddRange(TaggerInput.CheckFits(corpus, tokenizer, tagger.MaxLength));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
    }

    private static List<KeyValuePair<string, double>> Metrics(int epoch, double loss, List<NerEpoch> epochs)
    {
        var metrics = new List<KeyValuePair<string, double>> { new("epoch", epoch), new("loss", loss) };
        if (epochs.Count > 0)
            metrics.Add(new("dev F1", epochs[^1].DevF1));
        return metrics;
    }

    private static Dictionary<string, Tensor> Snapshot(NerTagger tagger)
    {
        using var noGrad = no_grad();
        return tagger.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone().DetachFromDisposeScope(), StringComparer.Ordinal);
    }

    private static void Restore(NerTagger tagger, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in tagger.NamedParameters())
            parameter.copy_(snapshot[name]);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null)
            return;
        foreach (var tensor in tensors.Values)
            tensor.Dispose();
        tensors.Clear();
    }
}
