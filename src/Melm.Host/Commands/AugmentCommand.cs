using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>`melm augment`: the whole MELM pipeline: linearize, fine-tune, generate, filter, write.</summary>
public static class AugmentCommand
{
    /// <summary>The subfolder of --out that holds the fine-tuned model (and its resumable checkpoint).</summary>
    public const string ModelSubfolder = "melm-model";

    public static Command Create()
    {
        var options = new MelmOptions(generateBatchName: "--generate-batch-size");
        var model = new Option<DirectoryInfo>("--model") { Description = "Pretrained MLM folder (config.json, weights, sentencepiece.bpe.model).", Required = true };
        var train = new Option<FileInfo>("--train") { Description = "Gold training file (CoNLL columns or .jsonl).", Required = true };
        var dev = new Option<FileInfo?>("--dev") { Description = "Gold dev file, for the best fine-tuning epoch." };
        var output = new Option<DirectoryInfo>("--out") { Description = $"Folder for the outputs and the fine-tuned model ({ModelSubfolder}/); rerun to resume.", Required = true };
        var filter = new Option<string>("--filter")
        {
            Description = "Consistency filter (paper 2.4): ner keeps rewrites an NER tagger trained on the gold data tags as intended; none keeps all. Default none until the tagger is part of melm.",
            DefaultValueFactory = _ => "none",
        };
        var tagger = new Option<DirectoryInfo?>("--tagger") { Description = "NER tagger folder for --filter ner." };
        var command = new Command("augment", "Augment a gold NER training set with MELM: fine-tune, generate, filter, and write aug.conll, aug.jsonl, train+aug.conll, summary.json.");
        foreach (var option in new Option[] { model, train, dev, output, filter, tagger, options.Method, options.Seed, options.Device }
                     .Concat(options.FineTuneOptions).Concat(options.GenerationOptions))
            command.Options.Add(option);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var method = options.ReadMethod(parseResult);
            var generation = options.ReadGeneration(parseResult);
            var consistency = CreateFilter(parseResult.GetValue(filter)!, parseResult.GetValue(tagger)?.FullName);
            var device = options.ReadDevice(parseResult);
            var trainPath = parseResult.GetValue(train)!.FullName;
            var outFolder = parseResult.GetValue(output)!.FullName;
            var modelFolder = parseResult.GetValue(model)!.FullName;
            var corpus = MelmOptions.ReadCorpus(trainPath);
            if (AugmentationMethods.IsFineTuned(method))
            {
                var tuned = Path.Combine(outFolder, ModelSubfolder);
                var devCorpus = parseResult.GetValue(dev) is { } devFile ? MelmOptions.ReadCorpus(devFile.FullName) : null;
                var result = FinetuneCommand.Run(modelFolder, corpus, devCorpus, tuned, method,
                    options.ReadFineTune(parseResult), options.ReadLanguages(parseResult), device);
                Console.WriteLine(FinetuneCommand.Describe(result));
                modelFolder = tuned;
            }
            using var melm = GenerateCommand.Open(modelFolder, method, corpus.Sentences, device);
            var summary = GenerateCommand.GenerateAndWrite(melm, corpus, trainPath, generation, consistency, outFolder);
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }

    /// <summary>The consistency filter named by --filter: the place the NER tagger plugs in.</summary>
    private static IConsistencyFilter? CreateFilter(string kind, string? taggerFolder) => kind.ToLowerInvariant() switch
    {
        "none" => null,
        "ner" => throw new InputException("--filter", null,
            $"--filter ner needs the NER tagger, which this build of melm does not have yet{(taggerFolder is null ? "" : $" (--tagger {taggerFolder})")}; pass --filter none to write unfiltered rewrites"),
        _ => throw new InputException("--filter", null, $"unknown filter '{kind}' (expected none or ner)"),
    };
}
