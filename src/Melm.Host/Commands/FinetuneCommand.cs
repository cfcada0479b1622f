using System.CommandLine;
using System.Globalization;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>`melm finetune`: MELM fine-tuning of a pretrained MLM on linearized training sentences (paper 2.2).</summary>
public static class FinetuneCommand
{
    public static Command Create()
    {
        var options = new MelmOptions();
        var model = new Option<DirectoryInfo>("--model") { Description = "Pretrained MLM folder (config.json, weights, sentencepiece.bpe.model).", Required = true };
        var train = new Option<FileInfo>("--train") { Description = "Training file (CoNLL columns or .jsonl).", Required = true };
        var dev = new Option<FileInfo?>("--dev") { Description = "Dev file; the epoch with the lowest dev masked-entity loss is kept (without it, the last)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the fine-tuned model; rerun with the same folder to resume.", Required = true };
        var command = new Command("finetune", "Fine-tune a masked LM on entity-masked, label-linearized sentences; resumable, best epoch by dev loss.");
        foreach (var option in new Option[] { model, train, dev, output, options.Method, options.Seed }.Concat(options.FineTuneOptions))
            command.Options.Add(option);
        options.Compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var method = options.ReadMethod(parseResult);
            var trainCorpus = MelmOptions.ReadCorpus(parseResult.GetValue(train)!.FullName);
            var devCorpus = parseResult.GetValue(dev) is { } devFile ? MelmOptions.ReadCorpus(devFile.FullName) : null;
            var result = Run(
                parseResult.GetValue(model)!.FullName, trainCorpus, devCorpus, parseResult.GetValue(output)!.FullName, method,
                options.ReadFineTune(parseResult), options.ReadLanguages(parseResult), options.ReadDevice(parseResult));
            Console.WriteLine(Describe(result));
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Prepares the model with the markers of the training data's tags (or of <paramref name="labelSource"/>'s,
    /// the task's full data when the training data is a sample that may lack a tag its dev set has) and
    /// fine-tunes it into <paramref name="outFolder"/>.
    /// </summary>
    internal static FineTuneResult Run(
        string modelFolder, Corpus train, Corpus? dev, string outFolder, AugmentationMethod method,
        FineTuneOptions fineTune, IReadOnlyList<string>? languages, TorchSharp.torch.Device device, IReadOnlyList<Sentence>? labelSource = null)
    {
        if (!AugmentationMethods.IsFineTuned(method))
            throw new InputException("--method", null, $"{AugmentationMethods.Name(method)} fine-tunes no masked LM; there is nothing to fine-tune");
        using var model = MelmModel.Prepare(modelFolder, labelSource ?? train.Sentences, method, languages, device: device);
        using var progress = new ConsoleProgress();
        return MelmFineTuner.Run(model, train.Sentences, dev?.Sentences ?? [], fineTune, outFolder, progress, train.Source, dev?.Source ?? "dev");
    }

    internal static string Describe(FineTuneResult result)
    {
        var resumed = result.ResumedAfterEpoch > 0 ? $" (resumed after epoch {result.ResumedAfterEpoch})" : "";
        var loss = result.BestDevLoss is { } l ? string.Create(CultureInfo.InvariantCulture, $", dev loss {l:0.####}") : ", no dev data";
        return $"fine-tuned {result.Epochs.Count} epochs{resumed}; best epoch {result.BestEpoch}{loss}; model in {result.Folder}";
    }
}
