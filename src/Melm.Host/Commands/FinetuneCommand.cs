using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Mlm;

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
        var command = new Command("finetune", "Fine-tune a masked LM on entity-masked, label-linearized sentences; resumable, best epoch by dev loss, TensorBoard curves.");
        foreach (var option in new Option[] { model, train, dev, output, options.Method, options.Seed }.Concat(options.FineTuneOptions))
            command.Options.Add(option);
        options.Compute.AddTo(command);
        var tensorBoard = new TensorBoardArguments();
        tensorBoard.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var method = options.ReadMethod(parseResult);
            var trainCorpus = MelmOptions.ReadCorpus(parseResult.GetValue(train)!.FullName);
            var devCorpus = parseResult.GetValue(dev) is { } devFile ? MelmOptions.ReadCorpus(devFile.FullName) : null;
            foreach (var line in devCorpus is null || !AugmentationMethods.UsesMarkers(method) ? [] : DevTagCoverage.Notes(trainCorpus.Sentences, devCorpus.Sentences, devCorpus.Source))
                Console.WriteLine("note: " + line);
            var outFolder = parseResult.GetValue(output)!.FullName;
            var compute = options.Compute.Read(parseResult);
            FineTuneResult result;
            using (var progress = new ConsoleProgress())
            {
                result = MelmFineTuner.FromPretrained(
                    parseResult.GetValue(model)!.FullName, trainCorpus, devCorpus, outFolder, method,
                    options.ReadFineTune(parseResult) with { Precision = compute.Precision }, options.ReadLanguages(parseResult), compute.Apply("--device"),
                    progress, curves: tensorBoard.Read(parseResult, outFolder));
            }
            Console.WriteLine(result.Describe());
            return 0;
        }));
        return command;
    }
}
