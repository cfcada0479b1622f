using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Randomness;
using Melm.Models.Text;
using TorchSharp;
using Melm.Models.Pretraining;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>
/// Masked-LM pretraining from raw text: a small model from scratch or continued from a checkpoint.
/// The output folder is a Hugging Face model folder plus `pretrain-state/` (optimizer state, step,
/// options); running again with the same folder resumes from the last checkpoint and, because
/// every random draw (data order, masks, dropout) derives from the seed and the step, reaches the
/// same weights bit for bit as a run that was never interrupted (same device and thread count).
/// </summary>
public sealed class Pretrainer
{
    public const string StateFolder = "pretrain-state";
    public const string ReportFile = "pretrain-report.json";
    private const string Stage = "pretrain";

    private readonly PretrainOptions _options;
    private readonly string _out;
    private readonly Action<string> _log;
    private readonly ITrainingCurves _curves;
    private readonly XlmrTokenizer _tokenizer;
    private readonly PackedBlocks _train;
    private readonly PackedBlocks _heldOut;
    private readonly int _heldOutLines;
    private readonly int _skippedWords;
    private readonly HashSet<long> _specialIds;
    private readonly MlmMasking _masking;
    private readonly long _mostFrequentToken;
    private readonly IReadOnlyList<MaskedExample> _heldOutEntities;

    private Pretrainer(PretrainOptions options, string outFolder, Action<string> log, ITrainingCurves curves)
    {
        _options = options;
        _out = outFolder;
        _log = log;
        _curves = curves;
        _tokenizer = XlmrTokenizer.Load(options.Tokenizer ?? options.InitFolder!);
        var lines = PretrainingText.Read(options.TextFiles, options.ConllFiles);
        var holdout = PretrainingText.HoldoutIndices(lines.Count, options.HoldoutLines, options.Seed);
        var encoded = Encode(lines, out _skippedWords);
        _train = BlockPacker.Pack(encoded.Where((_, i) => !holdout.Contains(i)).Select(Present), options.BlockSize, XlmrTokenizer.Bos, XlmrTokenizer.Eos);
        _heldOut = BlockPacker.Pack(encoded.Where((_, i) => holdout.Contains(i)).Select(Present), options.BlockSize, XlmrTokenizer.Bos, XlmrTokenizer.Eos);
        _heldOutLines = holdout.Count;
        if (_train.Blocks.Count == 0)
            throw new InputException("--text/--conll", null, "the training text has no words");
        _specialIds = [XlmrTokenizer.Bos, XlmrTokenizer.Pad, XlmrTokenizer.Eos, _tokenizer.Mask];
        // Random replacements are ordinary pieces only: never a control token, <mask> or an added marker.
        _masking = new MlmMasking(options.MaskRate, _tokenizer.Mask, XlmrTokenizer.Unk + 1, _tokenizer.Mask - XlmrTokenizer.Unk - 1);
        _heldOutEntities = [.. holdout.Order().SelectMany(i => EntityExamples(lines[i], encoded[i]))];
        _mostFrequentToken = _train.Blocks.SelectMany(b => b).Where(id => !_specialIds.Contains(id))
            .GroupBy(id => id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault();
    }

    /// <summary>Trains (or resumes) until the schedule ends or the budget runs out; checkpoints and reports on the way.</summary>
    /// <param name="outFolder">The model folder to write; holding a checkpoint of the same run, it is resumed.</param>
    /// <param name="log">Receives a line per notable event (data statistics, checkpoints, held-out figures).</param>
    /// <param name="stop">Stops after the current step, with a checkpoint (Ctrl+C on the command line).</param>
    /// <param name="curves">Receives train/loss, train/lr and train/tokens_per_second per step and the held-out figures per checkpoint.</param>
    public static PretrainResult Run(PretrainOptions options, string outFolder, PretrainBudget budget, ComputeOptions compute,
        IProgress<ProgressUpdate>? progress = null, Action<string>? log = null, ITrainingCurves? curves = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Check();
        if (problems.Count > 0)
            throw new InputException(problems);
        if (budget.Steps is <= 0)
            throw new InputException("--steps", null, $"must be positive, got {budget.Steps}");
        if (budget.Minutes is <= 0)
            throw new InputException("--minutes", null, $"must be positive, got {budget.Minutes}");
        var device = compute.Apply("--device");
        var trainer = new Pretrainer(options, outFolder, log ?? (_ => { }), curves ?? NoTrainingCurves.Instance);
        return trainer.Train(budget, compute, device, progress, stop);
    }

    private PretrainResult Train(PretrainBudget budget, ComputeOptions compute, Device device, IProgress<ProgressUpdate>? progress, CancellationToken stop)
    {
        var batchesPerEpoch = (_train.Blocks.Count + _options.BatchSize - 1) / _options.BatchSize;
        var totalSteps = _options.TotalSteps ?? _options.Epochs * batchesPerEpoch;
        var state = ReadState();
        if (state is not null && state.Step >= totalSteps)
        {
            var finished = JsonSerializer.Deserialize<PretrainReport>(File.ReadAllText(Path.Combine(_out, ReportFile)), PretrainReport.Json)!;
            return new PretrainResult(finished, true);
        }

        _log(string.Create(CultureInfo.InvariantCulture,
            $"data: {_train.Lines} lines -> {_train.Blocks.Count} blocks ({_train.Tokens} tokens) for training, {_heldOut.Lines} held-out lines -> {_heldOut.Blocks.Count} blocks; {_train.SplitLines + _heldOut.SplitLines} lines split over blocks, {_train.CutWords + _heldOut.CutWords} words cut, {_skippedWords} words without pieces left out"));
        using var model = state is null ? CreateModel(device) : ModelFolder.LoadMaskedLm(_out, device);
        if (_options.BlockSize > model.Config.MaxSequenceLength)
            throw new InputException("--block", null, $"{_options.BlockSize} tokens, but the model takes at most {model.Config.MaxSequenceLength}");
        if (_tokenizer.VocabSize > model.Config.VocabSize)
            throw new InputException(_options.Tokenizer ?? "--tokenizer", null, $"the tokenizer has {_tokenizer.VocabSize} ids but the model's vocabulary {model.Config.VocabSize}: it does not belong to this model");
        model.Precision = compute.Precision;
        model.train();
        _log($"model: {model.Config}{(state is null ? "" : string.Create(CultureInfo.InvariantCulture, $", resumed at step {state.Step}"))}");

        var parameters = model.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, _options.LearningRate, weight_decay: _options.WeightDecay);
        if (state is not null)
            TrainingCheckpoint.LoadOptimizer(optimizer, Path.Combine(_out, StateFolder));
        else
            _tokenizer.Save(_out);

        var step = state?.Step ?? 0;
        _curves.Start(step);
        var tokensSeen = state?.TokensSeen ?? 0;
        var priorSeconds = state?.Seconds ?? 0;
        var clock = Stopwatch.StartNew();
        long tokensThisRun = 0;
        var lossesSinceCheckpoint = new List<double>();
        var recentLosses = new Queue<double>();
        int[]? order = null;
        var orderEpoch = -1;
        var stoppedBy = "schedule";
        PretrainReport? report = null;

        while (step < totalSteps)
        {
            if (budget.Steps is { } maxSteps && step >= maxSteps)
            {
                stoppedBy = "steps budget";
                break;
            }
            if (budget.Minutes is { } minutes && clock.Elapsed.TotalMinutes >= minutes)
            {
                stoppedBy = "minutes budget";
                break;
            }
            if (stop.IsCancellationRequested)
            {
                stoppedBy = "interrupt";
                break;
            }
            var epoch = step / batchesPerEpoch;
            if (epoch != orderEpoch)
            {
                order = Enumerable.Range(0, _train.Blocks.Count).ToArray();
                SeedDerivation.For(_options.Seed, "pretrain-order", "", epoch).Shuffle(order);
                orderEpoch = epoch;
            }
            var first = step % batchesPerEpoch * _options.BatchSize;
            var indices = order!.Skip(first).Take(_options.BatchSize).ToArray();
            var examples = indices.Select(i => MaskForTraining(i, SeedDerivation.For(_options.Seed, "pretrain-mask", i.ToString(CultureInfo.InvariantCulture), epoch))).ToList();

            var learningRate = LearningRateAt(step, totalSteps);
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = learningRate;
            TorchRandom.Reseed(_options.Seed, "dropout", "", step);
            double loss;
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var (ids, mask, positions, labels) = Batch(examples, device);
                var logits = model.PredictAt(model.Encode(ids, mask), positions);
                var lossTensor = nn.functional.cross_entropy(logits, labels);
                lossTensor.backward();
                nn.utils.clip_grad_norm_(parameters, _options.ClipNorm);
                optimizer.step();
                loss = lossTensor.item<float>();
            }
            var tokens = examples.Sum(e => (long)e.InputIds.Length);
            tokensSeen += tokens;
            tokensThisRun += tokens;
            step++;
            lossesSinceCheckpoint.Add(loss);
            recentLosses.Enqueue(loss);
            if (recentLosses.Count > 20)
                recentLosses.Dequeue();
            _curves.Scalar("train/loss", loss, step);
            _curves.Scalar("train/lr", learningRate, step);
            _curves.Scalar("train/tokens_per_second", tokensThisRun / Math.Max(1e-9, clock.Elapsed.TotalSeconds), step);
            progress?.Report(new ProgressUpdate(Stage, step, totalSteps, "steps",
            [
                new("loss", recentLosses.Average()),
                new("tokens/s", tokensThisRun / Math.Max(1e-9, clock.Elapsed.TotalSeconds)),
                new("lr", learningRate),
            ]));
            if (step % _options.CheckpointEvery == 0 && step < totalSteps)
            {
                report = Checkpoint(model, optimizer, step, totalSteps, tokensSeen, priorSeconds + clock.Elapsed.TotalSeconds,
                    tokensThisRun / Math.Max(1e-9, clock.Elapsed.TotalSeconds), lossesSinceCheckpoint, "");
                lossesSinceCheckpoint.Clear();
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (report is null || report.Steps != step)
        {
            report = Checkpoint(model, optimizer, step, totalSteps, tokensSeen, priorSeconds + seconds,
                tokensThisRun / Math.Max(1e-9, seconds), lossesSinceCheckpoint, stoppedBy);
        }
        else
        {
            report = report with { StoppedBy = stoppedBy };
            WriteReport(report);
        }
        return new PretrainResult(report, false);
    }

    private MaskedExample MaskForTraining(int block, StableRandom random) => _options.Masking == MaskingScheme.Token
        ? _masking.Mask(_train.Blocks[block], _specialIds, random)
        : _masking.MaskWords(_train.Blocks[block], _train.Words[block], _options.Masking, _options.SalientShare, random);

    /// <summary>Linear warm-up over the first share of the schedule, then linear decay to zero.</summary>
    public static double LearningRateAt(int step, int totalSteps, double peak, double warmupShare)
    {
        var warmup = (int)Math.Ceiling(totalSteps * warmupShare);
        if (step < warmup)
            return peak * (step + 1) / warmup;
        return peak * Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmup));
    }

    private double LearningRateAt(int step, int totalSteps) => LearningRateAt(step, totalSteps, _options.LearningRate, _options.WarmupShare);

    private RobertaForMaskedLM CreateModel(Device device)
    {
        if (_options.InitFolder is { } init)
            return ModelFolder.LoadMaskedLm(init, device);
        var preset = RobertaConfig.Small(_tokenizer.VocabSize);
        var config = preset with
        {
            NumHiddenLayers = _options.Layers ?? preset.NumHiddenLayers,
            HiddenSize = _options.Hidden ?? preset.HiddenSize,
            NumAttentionHeads = _options.Heads ?? preset.NumAttentionHeads,
            IntermediateSize = _options.Intermediate ?? preset.IntermediateSize,
            MaxPositionEmbeddings = _options.BlockSize + preset.PadTokenId + 1,
        };
        var problems = config.Check("--layers/--hidden/--heads/--intermediate");
        if (problems.Count > 0)
            throw new InputException(problems);
        return new RobertaForMaskedLM(config, unchecked((long)SeedDerivation.Derive(_options.Seed, "pretrain-init")), device);
    }

    private PretrainReport Checkpoint(RobertaForMaskedLM model, TorchSharp.Modules.AdamW optimizer, int step, int totalSteps, long tokensSeen,
        double seconds, double tokensPerSecond, List<double> losses, string stoppedBy)
    {
        var (heldOutLoss, accuracy, baseline, masked) = EvaluateHeldOut(model);
        var (entityAccuracy, mentionAccuracy, entityPieces) = EvaluateEntities(model);
        var report = new PretrainReport
        {
            Steps = step,
            TotalSteps = totalSteps,
            Finished = step >= totalSteps,
            StoppedBy = stoppedBy,
            TokensSeen = tokensSeen,
            Seconds = seconds,
            TokensPerSecond = tokensPerSecond,
            TrainLoss = losses.Count > 0 ? losses.Average() : double.NaN,
            HeldOutLoss = heldOutLoss,
            HeldOutAccuracy = accuracy,
            MostFrequentTokenAccuracy = baseline,
            HeldOutMaskedTokens = masked,
            HeldOutEntityAccuracy = entityAccuracy,
            HeldOutEntityMentionAccuracy = mentionAccuracy,
            HeldOutEntityMentions = _heldOutEntities.Count,
            HeldOutEntityPieces = entityPieces,
            Masking = MaskingSchemes.Name(_options.Masking),
            HeldOutBlocks = _heldOut.Blocks.Count,
            HeldOutLines = _heldOutLines,
            TrainBlocks = _train.Blocks.Count,
            TrainLines = _train.Lines,
            TrainTokens = _train.Tokens,
            SplitLines = _train.SplitLines + _heldOut.SplitLines,
            CutWords = _train.CutWords + _heldOut.CutWords,
            SkippedWords = _skippedWords,
            Model = model.Config.ToString(),
        };

        var state = new JsonObject
        {
            ["step"] = step,
            ["tokens_seen"] = tokensSeen,
            ["seconds"] = seconds,
            ["options"] = _options.ToJson(),
        };
        TrainingCheckpoint.Save(Path.Combine(_out, StateFolder), staging => ModelFolder.Save(model, staging), optimizer,
            Encoding.UTF8.GetBytes(state.ToJsonString(new JsonSerializerOptions { WriteIndented = true })), weightsFolder: _out);
        WriteReport(report);
        _curves.Scalar("heldout/loss", heldOutLoss, step);
        _curves.Scalar("heldout/accuracy", accuracy, step);
        _curves.Scalar("heldout/entity_accuracy", entityAccuracy, step);
        _curves.Scalar("heldout/entity_mention_accuracy", mentionAccuracy, step);
        _log(string.Create(CultureInfo.InvariantCulture,
            $"checkpoint at step {step}/{totalSteps}: train loss {report.TrainLoss:0.####}, held-out loss {heldOutLoss:0.####}, held-out accuracy {accuracy:P2} over {masked} masked tokens (most frequent token: {baseline:P2}), entity pieces {entityAccuracy:P2} over {_heldOutEntities.Count} mentions ({mentionAccuracy:P2} whole mentions), {ProgressText.Number(tokensPerSecond)} tokens/s"));
        return report;
    }

    private void WriteReport(PretrainReport report) =>
        File.WriteAllText(Path.Combine(_out, ReportFile), JsonSerializer.Serialize(report, PretrainReport.Json));

    /// <summary>Loss and accuracy on the held-out blocks under a fixed mask, with the most-frequent-token baseline.</summary>
    private (double Loss, double Accuracy, double Baseline, int Masked) EvaluateHeldOut(RobertaForMaskedLM model)
    {
        if (_heldOut.Blocks.Count == 0)
            return (double.NaN, double.NaN, double.NaN, 0);
        model.eval();
        try
        {
            using var noGrad = no_grad();
            double lossSum = 0;
            long correct = 0, baseline = 0, count = 0;
            for (var start = 0; start < _heldOut.Blocks.Count; start += _options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var examples = Enumerable.Range(start, Math.Min(_options.BatchSize, _heldOut.Blocks.Count - start))
                    .Select(i => _masking.Mask(_heldOut.Blocks[i], _specialIds,
                        SeedDerivation.For(_options.Seed, "holdout-mask", i.ToString(CultureInfo.InvariantCulture), 0)))
                    .ToList();
                var (ids, mask, positions, labels) = Batch(examples, model.Device);
                var logits = model.PredictAt(model.Encode(ids, mask), positions);
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                baseline += labels.eq(_mostFrequentToken).sum().item<long>();
                count += labels.shape[0];
            }
            return (lossSum / count, (double)correct / count, (double)baseline / count, (int)count);
        }
        finally
        {
            model.train();
        }
    }

    /// <summary>
    /// Accuracy on held-out entity mentions, each masked whole in its own copy of its line (no
    /// random or kept pieces): piece accuracy, whole-mention accuracy, pieces scored.
    /// </summary>
    private (double PieceAccuracy, double MentionAccuracy, int Pieces) EvaluateEntities(RobertaForMaskedLM model)
    {
        if (_heldOutEntities.Count == 0)
            return (double.NaN, double.NaN, 0);
        model.eval();
        try
        {
            using var noGrad = no_grad();
            long correct = 0, pieces = 0, mentions = 0;
            for (var start = 0; start < _heldOutEntities.Count; start += _options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var examples = _heldOutEntities.Skip(start).Take(_options.BatchSize).ToList();
                var (ids, mask, positions, labels) = Batch(examples, model.Device);
                var hits = model.PredictAt(model.Encode(ids, mask), positions).argmax(1).eq(labels).data<bool>().ToArray();
                correct += hits.Count(h => h);
                pieces += hits.Length;
                var offset = 0;
                foreach (var example in examples)
                {
                    if (hits.AsSpan(offset, example.Positions.Length).IndexOf(false) < 0)
                        mentions++;
                    offset += example.Positions.Length;
                }
            }
            return ((double)correct / pieces, (double)mentions / _heldOutEntities.Count, (int)pieces);
        }
        finally
        {
            model.train();
        }
    }

    /// <summary>
    /// A held-out CoNLL line's mentions as examples, one per mention with all its pieces masked,
    /// the line cut to one block around nothing else (a mention past the block is left out).
    /// </summary>
    private IEnumerable<MaskedExample> EntityExamples(TextLine line, IReadOnlyList<EncodedWord?> words)
    {
        if (line.Tags is null)
            yield break;
        var ids = new List<long> { XlmrTokenizer.Bos };
        var starts = new int[words.Count + 1];
        for (var w = 0; w < words.Count; w++)
        {
            starts[w] = ids.Count;
            if (words[w] is { } word)
                ids.AddRange(word.Ids.Select(id => (long)id));
        }
        starts[words.Count] = ids.Count;
        var length = Math.Min(ids.Count, _options.BlockSize - 1);
        ids.RemoveRange(length, ids.Count - length);
        ids.Add(XlmrTokenizer.Eos);
        foreach (var mention in EntitySpans.Read(line.Tags))
        {
            var positions = Enumerable.Range(starts[mention.Start], starts[mention.End] - starts[mention.Start]).ToArray();
            if (positions.Length == 0 || positions[^1] >= length)
                continue;
            var input = ids.ToArray();
            foreach (var p in positions)
                input[p] = _tokenizer.Mask;
            yield return new MaskedExample(input, positions, [.. positions.Select(p => ids[p])]);
        }
    }

    /// <summary>Right-padded ids, attention mask, flat predicted positions and their labels.</summary>
    private static (Tensor Ids, Tensor Mask, Tensor Positions, Tensor Labels) Batch(List<MaskedExample> examples, Device device)
    {
        var width = examples.Max(e => e.InputIds.Length);
        var ids = new long[examples.Count * width];
        var mask = new long[examples.Count * width];
        Array.Fill(ids, (long)XlmrTokenizer.Pad);
        var positions = new List<long>();
        var labels = new List<long>();
        for (var b = 0; b < examples.Count; b++)
        {
            var example = examples[b];
            Array.Copy(example.InputIds, 0, ids, b * width, example.InputIds.Length);
            Array.Fill(mask, 1L, b * width, example.InputIds.Length);
            positions.AddRange(example.Positions.Select(p => (long)(b * width + p)));
            labels.AddRange(example.Labels);
        }
        return (tensor(ids, examples.Count, width, device: device), tensor(mask, examples.Count, width, device: device),
            tensor(positions.ToArray(), device: device), tensor(labels.ToArray(), device: device));
    }

    /// <summary>Each line's words as pieces, null where a word has none (kept in place so tags still line up).</summary>
    private List<IReadOnlyList<EncodedWord?>> Encode(IReadOnlyList<TextLine> lines, out int skipped)
    {
        // Word frequencies are Zipfian: a cache makes encoding a few million words cheap.
        var cache = new Dictionary<string, IReadOnlyList<int>?>(StringComparer.Ordinal);
        var result = new List<IReadOnlyList<EncodedWord?>>(lines.Count);
        skipped = 0;
        foreach (var line in lines)
        {
            var words = new EncodedWord?[line.Words.Count];
            for (var w = 0; w < line.Words.Count; w++)
            {
                var word = line.Words[w];
                if (!cache.TryGetValue(word, out var ids))
                {
                    ids = _tokenizer.CanEncode(word) ? _tokenizer.EncodeWord(word).Ids : null;
                    cache[word] = ids;
                }
                if (ids is null)
                    skipped++;
                else
                    words[w] = new EncodedWord(ids, w > 0 && char.IsUpper(word[0]));
            }
            result.Add(words);
        }
        return result;
    }

    private static IReadOnlyList<EncodedWord> Present(IReadOnlyList<EncodedWord?> words) => [.. words.OfType<EncodedWord>()];

    private sealed record SavedState(int Step, long TokensSeen, double Seconds);

    private SavedState? ReadState()
    {
        if (TrainingCheckpoint.StatePath(Path.Combine(_out, StateFolder)) is not { } path)
        {
            if (File.Exists(Path.Combine(_out, ModelFolder.ConfigFile)) || File.Exists(Path.Combine(_out, ModelFolder.SafetensorsFileName)))
                throw new InputException(_out, null, $"holds a model but no {StateFolder}/{TrainingCheckpoint.StateFile}: not a pretraining run to resume; choose another --out");
            return null;
        }
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InputException(path, null, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException(path, null, $"not valid JSON: {e.Message}");
        }
        if (json["options"] is not JsonObject saved || json["step"] is null || json["tokens_seen"] is null || json["seconds"] is null)
            throw new InputException(path, null, "lacks step, tokens_seen, seconds or options: not a pretraining state file");
        var differences = _options.DifferencesFrom(saved);
        if (differences.Count > 0)
        {
            throw new InputException([.. differences.Select(d => new InputProblem(_out, null,
                $"resuming needs the options of the run that wrote this folder; differs in {d}"))]);
        }
        return new SavedState(json["step"]!.GetValue<int>(), json["tokens_seen"]!.GetValue<long>(), json["seconds"]!.GetValue<double>());
    }
}
