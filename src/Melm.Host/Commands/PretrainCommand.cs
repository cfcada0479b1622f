using System.CommandLine;
using System.Globalization;
using Melm.Models.Diagnostics;
using Melm.Models.Pretraining;
using Melm.Models.Mlm;

namespace Melm.Host.Commands;

/// <summary>`melm pretrain`: a masked LM from raw text, from scratch or continued from a checkpoint; resumable.</summary>
public static class PretrainCommand
{
    public static Command Create()
    {
        var text = new Option<FileInfo[]>("--text") { Description = "Plain text file, one sentence per line, words separated by spaces (repeatable)." };
        var conll = new Option<FileInfo[]>("--conll") { Description = "CoNLL file whose tokens are used as text (repeatable; train splits only, never dev/test)." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer folder or SentencePiece model file (required from scratch; default with --init: the checkpoint's)." };
        var init = new Option<DirectoryInfo?>("--init") { Description = "Continue pretraining this model folder (domain adaptation) instead of a new small model." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Model folder to write; rerunning with the same folder resumes it.", Required = true };
        var layers = new Option<int?>("--layers") { Description = "Layers of a new model (default 4)." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden size of a new model (default 256)." };
        var heads = new Option<int?>("--heads") { Description = "Attention heads of a new model (default 4)." };
        var intermediate = new Option<int?>("--intermediate") { Description = "Feed-forward size of a new model (default 1024)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialisation, held-out lines, data order, masks and dropout.", DefaultValueFactory = _ => 1 };
        var block = new Option<int>("--block") { Description = "Tokens per training block, <s> and </s> included.", DefaultValueFactory = _ => 128 };
        var batch = new Option<int>("--batch") { Description = "Blocks per step.", DefaultValueFactory = _ => 32 };
        var totalSteps = new Option<int?>("--total-steps") { Description = "Length of the learning-rate schedule (default: --epochs passes over the data)." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data when --total-steps is not given.", DefaultValueFactory = _ => 10 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW; linear warm-up, then linear decay).", DefaultValueFactory = _ => 5e-4 };
        var warmup = new Option<double>("--warmup") { Description = "Share of the schedule spent warming up.", DefaultValueFactory = _ => 0.05 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => 0.01 };
        var clip = new Option<double>("--clip") { Description = "Gradient norm clip.", DefaultValueFactory = _ => 1.0 };
        var maskRate = new Option<double>("--mask-rate") { Description = "Share of tokens predicted (80% <mask>, 10% random, 10% kept).", DefaultValueFactory = _ => 0.15 };
        var masking = new Option<string>("--masking") { Description = "What to predict: token (RoBERTa's), whole-word (every piece of a chosen word), or salient (whole words, runs of capitalised words first: names from context).", DefaultValueFactory = _ => "token" };
        var salientShare = new Option<double>("--salient-share") { Description = "With --masking salient: share of each block's masking budget spent on capitalised spans.", DefaultValueFactory = _ => 0.5 };
        var holdout = new Option<int?>("--holdout") { Description = "Lines held out for evaluation (default 1%)." };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints (and held-out evaluations).", DefaultValueFactory = _ => 500 };
        var steps = new Option<int?>("--steps") { Description = "Stop once this many steps are done in all (budget; the run resumes later)." };
        var minutes = new Option<double?>("--minutes") { Description = "Stop after this many minutes of this invocation (budget; the run resumes later)." };
        var compute = new ComputeArguments();
        var tensorBoard = new TensorBoardArguments();

        var command = new Command("pretrain", "Pretrain a masked LM on raw text (from scratch or from --init), with checkpoints, resume and TensorBoard curves.");
        foreach (var option in new Option[] { text, conll, tokenizer, init, output, layers, hidden, heads, intermediate, seed, block, batch, totalSteps, epochs, lr, warmup, weightDecay, clip, maskRate, masking, salientShare, holdout, checkpointEvery, steps, minutes })
            command.Options.Add(option);
        compute.AddTo(command);
        tensorBoard.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var options = new PretrainOptions
            {
                TextFiles = [.. (parseResult.GetValue(text) ?? []).Select(f => f.FullName)],
                ConllFiles = [.. (parseResult.GetValue(conll) ?? []).Select(f => f.FullName)],
                Tokenizer = parseResult.GetValue(tokenizer) is { } t ? Path.GetFullPath(t) : null,
                InitFolder = parseResult.GetValue(init)?.FullName,
                Layers = parseResult.GetValue(layers),
                Hidden = parseResult.GetValue(hidden),
                Heads = parseResult.GetValue(heads),
                Intermediate = parseResult.GetValue(intermediate),
                Seed = parseResult.GetValue(seed),
                BlockSize = parseResult.GetValue(block),
                BatchSize = parseResult.GetValue(batch),
                TotalSteps = parseResult.GetValue(totalSteps),
                Epochs = parseResult.GetValue(epochs),
                LearningRate = parseResult.GetValue(lr),
                WarmupShare = parseResult.GetValue(warmup),
                WeightDecay = parseResult.GetValue(weightDecay),
                ClipNorm = parseResult.GetValue(clip),
                MaskRate = parseResult.GetValue(maskRate),
                Masking = MaskingSchemes.Parse(parseResult.GetValue(masking)!)
                    ?? throw new InputException("--masking", null, $"'{parseResult.GetValue(masking)}' is not known (expected token, whole-word or salient)"),
                SalientShare = parseResult.GetValue(salientShare),
                HoldoutLines = parseResult.GetValue(holdout),
                CheckpointEvery = parseResult.GetValue(checkpointEvery),
            };
            var budget = new PretrainBudget(parseResult.GetValue(steps), parseResult.GetValue(minutes));
            var folder = parseResult.GetValue(output)!.FullName;
            var computeOptions = compute.Read(parseResult);
            var curves = tensorBoard.Read(parseResult, folder);
            // Ctrl+C finishes the current step and writes a checkpoint instead of losing the work since the last one.
            using var interrupt = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            PretrainResult result;
            try
            {
                using var progress = new ConsoleProgress();
                result = Pretrainer.Run(options, folder, budget, computeOptions, progress, line => Console.Error.WriteLine(line), curves, interrupt.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            var r = result.Report;
            if (result.AlreadyFinished)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{folder}: pretraining already finished ({r.Steps}/{r.TotalSteps} steps); held-out accuracy {r.HeldOutAccuracy:P2}, loss {r.HeldOutLoss:0.####}"));
                return 0;
            }
            var status = r.Finished ? "finished" : $"stopped by the {r.StoppedBy}";
            var resume = r.Finished ? "" : " Run the same command again to resume.";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{folder}: {status} at step {r.Steps}/{r.TotalSteps}; {ProgressText.Count(r.TokensSeen)} tokens seen, {ProgressText.Number(r.TokensPerSecond)} tokens/s; train loss {r.TrainLoss:0.####}; held-out loss {r.HeldOutLoss:0.####}, accuracy {r.HeldOutAccuracy:P2} over {r.HeldOutMaskedTokens} masked tokens (most frequent token {r.MostFrequentTokenAccuracy:P2}); entity pieces {r.HeldOutEntityAccuracy:P2} over {r.HeldOutEntityMentions} held-out mentions ({r.HeldOutEntityMentionAccuracy:P2} whole mentions).{resume}"));
            return 0;
        }));
        return command;
    }
}
