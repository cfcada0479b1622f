using System.CommandLine;
using System.Globalization;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;

namespace Melm.Host.Commands;

/// <summary>`melm augment`: the whole MELM pipeline: linearize, fine-tune, generate, filter, write.</summary>
public static class AugmentCommand
{
    /// <summary>The subfolder of --out that holds the fine-tuned model (and its resumable checkpoint).</summary>
    public const string ModelSubfolder = "melm-model";

    /// <summary>The subfolder of --out that holds the filter's tagger when augment trains it.</summary>
    public const string TaggerSubfolder = "filter-tagger";

    public static Command Create()
    {
        var options = new MelmOptions(generateBatchName: "--generate-batch-size");
        var model = new Option<DirectoryInfo>("--model") { Description = "Pretrained MLM folder (config.json, weights, sentencepiece.bpe.model).", Required = true };
        var train = new Option<FileInfo>("--train") { Description = "Gold training file (CoNLL columns or .jsonl).", Required = true };
        var dev = new Option<FileInfo?>("--dev") { Description = "Gold dev file, for the best fine-tuning epoch." };
        var output = new Option<DirectoryInfo>("--out") { Description = $"Folder for the outputs and the fine-tuned model ({ModelSubfolder}/); rerun to resume.", Required = true };
        var filter = new Option<string>("--filter")
        {
            Description = $"Consistency filter (paper 2.4): ner keeps the rewrites that an NER tagger trained on the gold data tags as intended; none keeps all. Without --tagger, augment trains that tagger on --train/--dev from --model (paper defaults, --tagger-epochs) into {TaggerSubfolder}/ and reuses it on a rerun.",
            DefaultValueFactory = _ => "ner",
        };
        var tagger = new Option<DirectoryInfo?>("--tagger") { Description = "A trained NER tagger folder (melm ner train) to filter with, instead of training one." };
        var taggerEpochs = new Option<int>("--tagger-epochs") { Description = "Epochs for the filter's tagger when augment trains it.", DefaultValueFactory = _ => new NerTrainingOptions { Seed = 0 }.Epochs };
        var command = new Command("augment", "Augment a gold NER training set with MELM: fine-tune, generate, filter, and write aug.conll, aug.jsonl, train+aug.conll, summary.json.");
        foreach (var option in new Option[] { model, train, dev, output, filter, tagger, taggerEpochs, options.Method, options.Seed }
                     .Concat(options.FineTuneOptions).Concat(options.GenerationOptions))
            command.Options.Add(option);
        options.Compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var method = options.ReadMethod(parseResult);
            var generation = options.ReadGeneration(parseResult);
            var device = options.ReadDevice(parseResult);
            var trainPath = parseResult.GetValue(train)!.FullName;
            var outFolder = parseResult.GetValue(output)!.FullName;
            var modelFolder = parseResult.GetValue(model)!.FullName;
            var corpus = MelmOptions.ReadCorpus(trainPath);
            var devCorpus = parseResult.GetValue(dev) is { } devFile ? MelmOptions.ReadCorpus(devFile.FullName) : null;
            using var consistency = CreateFilter(parseResult.GetValue(filter)!, parseResult.GetValue(tagger)?.FullName,
                () => TrainFilterTagger(modelFolder, corpus, devCorpus, parseResult.GetValue(options.Seed), parseResult.GetValue(taggerEpochs), device, outFolder), device);
            if (AugmentationMethods.IsFineTuned(method))
            {
                var tuned = Path.Combine(outFolder, ModelSubfolder);
                var result = FinetuneCommand.Run(modelFolder, corpus, devCorpus, tuned, method,
                    options.ReadFineTune(parseResult), options.ReadLanguages(parseResult), device);
                Console.WriteLine(FinetuneCommand.Describe(result));
                modelFolder = tuned;
            }
            using var melm = GenerateCommand.Open(modelFolder, method, corpus.Sentences, device);
            var summary = GenerateCommand.GenerateAndWrite(melm, corpus, trainPath, generation, consistency?.Predictor, outFolder);
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }

    /// <summary>The consistency filter named by --filter: a given tagger folder, or one trained on the gold data.</summary>
    private static LoadedFilter? CreateFilter(string kind, string? taggerFolder, Func<string> trainTagger, TorchSharp.torch.Device device)
    {
        switch (kind.ToLowerInvariant())
        {
            case "none":
                return null;
            case "ner":
                var (tagger, tokenizer) = TaggerFolder.Load(taggerFolder ?? trainTagger(), device);
                return new LoadedFilter(tagger, new NerPredictor(tagger, tokenizer));
            default:
                throw new InputException("--filter", null, $"unknown filter '{kind}' (expected none or ner)");
        }
    }

    /// <summary>Trains the filter's tagger on the gold data into --out, or reuses the one a previous run saved there.</summary>
    private static string TrainFilterTagger(string modelFolder, Corpus train, Corpus? dev, ulong seed, int epochs, TorchSharp.torch.Device device, string outFolder)
    {
        var folder = Path.Combine(outFolder, TaggerSubfolder);
        if (File.Exists(Path.Combine(folder, "melm-tagger.json")))
        {
            Console.WriteLine($"filter tagger: reusing {folder}");
            return folder;
        }
        if (dev is null)
            throw new InputException("--dev", null, "--filter ner trains its tagger on the gold data and picks its epoch on --dev: give --dev, or a trained --tagger, or --filter none");
        var options = new NerTrainingOptions { Seed = seed, Epochs = epochs };
        var problems = options.Check("--tagger-epochs");
        if (problems.Count > 0)
            throw new InputException(problems);
        var (result, took) = NerCommand.TrainAndSave(modelFolder, train, dev, options, device, null, folder);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"filter tagger: epoch {result.BestEpoch} of {epochs} kept (dev F1 {result.BestDevF1:F2}), {took.TotalSeconds:F0} s, saved to {folder}"));
        return folder;
    }

    /// <summary>The filter's tagger and its predictor, disposed together when augment ends.</summary>
    private sealed class LoadedFilter(NerTagger tagger, NerPredictor predictor) : IDisposable
    {
        public IConsistencyFilter Predictor => predictor;

        public void Dispose() => tagger.Dispose();
    }
}
