using System.CommandLine;
using System.Globalization;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Events;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Runs;

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
            var taggerFolder = FilterTaggerFolder(parseResult.GetValue(filter)!, parseResult.GetValue(tagger)?.FullName,
                () => TrainFilterTagger(modelFolder, corpus, devCorpus, parseResult.GetValue(options.Seed), parseResult.GetValue(taggerEpochs), device, outFolder));
            if (AugmentationMethods.IsFineTuned(method))
            {
                var tuned = Path.Combine(outFolder, ModelSubfolder);
                var result = FinetuneCommand.Run(modelFolder, corpus, devCorpus, tuned, method,
                    options.ReadFineTune(parseResult), options.ReadLanguages(parseResult), device);
                Console.WriteLine(FinetuneCommand.Describe(result));
                modelFolder = tuned;
            }
            // Generation and filtering run as a one-node cluster, the same actors as a distributed run.
            var inputs = new RunInputs(trainPath, modelFolder, AugmentationMethods.Name(method), taggerFolder, generation);
            var spec = RunSpecs.For(corpus, inputs, LocalRun.DefaultShardSize, outFolder);
            // The stages run here before the items are recorded as the run's first events.
            var prepared = new List<StageCompleted>();
            if (AugmentationMethods.IsFineTuned(method))
                prepared.Add(new StageCompleted(spec.RunId, RunStages.FineTune, [modelFolder]));
            if (taggerFolder is not null)
                prepared.Add(new StageCompleted(spec.RunId, RunStages.FilterTagger, [taggerFolder]));
            LocalRun.Run(outFolder, options.Compute.Read(parseResult).Device, new StartRun(spec, prepared));
            var summary = AugmentationOutput.ReadSummary(outFolder);
            Console.WriteLine($"{summary.Kept} rewrites of {summary.SentencesRead} sentences written to {outFolder} (run {spec.RunId})");
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }

    /// <summary>The tagger folder of the consistency filter named by --filter: a given one, or one trained on the gold data; null for none.</summary>
    private static string? FilterTaggerFolder(string kind, string? taggerFolder, Func<string> trainTagger) =>
        kind.ToLowerInvariant() switch
        {
            "none" => null,
            // A given tagger is checked here, so a wrong folder is bad input now, not a failed run later.
            "ner" when taggerFolder is not null && !File.Exists(Path.Combine(taggerFolder, TaggerFolder.MetadataFileName)) =>
                throw new InputException(taggerFolder, null, $"not a tagger folder (no {TaggerFolder.MetadataFileName}); train one with melm ner train"),
            "ner" => taggerFolder ?? trainTagger(),
            _ => throw new InputException("--filter", null, $"unknown filter '{kind}' (expected none or ner)"),
        };

    /// <summary>Trains the filter's tagger on the gold data into --out, or reuses the one a previous run saved there.</summary>
    private static string TrainFilterTagger(string modelFolder, Corpus train, Corpus? dev, ulong seed, int epochs, TorchSharp.torch.Device device, string outFolder)
    {
        var folder = Path.Combine(outFolder, TaggerSubfolder);
        if (File.Exists(Path.Combine(folder, TaggerFolder.MetadataFileName)))
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
}
