using System.CommandLine;
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

/// <summary>`melm augment`: the whole pipeline for any method: (fine-tune,) rewrite R rounds, filter, write.</summary>
public static class AugmentCommand
{
    public static Command Create()
    {
        var options = new MelmOptions(generateBatchName: "--generate-batch-size");
        var model = new Option<DirectoryInfo>("--model") { Description = "Pretrained MLM folder (config.json, weights, sentencepiece.bpe.model); also the encoder of the filter's tagger.", Required = true };
        var train = new Option<FileInfo?>("--train") { Description = "Gold training file (CoNLL columns or .jsonl). Give this or --codemix." };
        var codemix = new Option<DirectoryInfo?>("--codemix")
        {
            Description = "A `melm codemix` output folder: augment its training sentences plus its code-mixed ones (paper 2.5), each entity marked with its own language. Give this or --train.",
        };
        var dev = new Option<FileInfo?>("--dev") { Description = "Gold dev file, for the best fine-tuning epoch and the filter tagger's epoch." };
        var output = new Option<DirectoryInfo>("--out") { Description = $"Folder for the outputs and the fine-tuned model ({AugmentPipeline.ModelSubfolder}/); rerun to resume.", Required = true };
        var filter = new Option<string>("--filter")
        {
            Description = $"Consistency filter (paper 2.4), for every method that rewrites: ner keeps the rewrites that an NER tagger trained on the gold data tags as intended; none keeps all. Without --tagger, augment trains that tagger on the gold data and --dev from --model (paper defaults, --tagger-epochs) into {AugmentPipeline.TaggerSubfolder}/ and reuses it on a rerun.",
            DefaultValueFactory = _ => "ner",
        };
        var tagger = new Option<DirectoryInfo?>("--tagger") { Description = "A trained NER tagger folder (melm ner train) to filter with, instead of training one." };
        var taggerEpochs = new Option<int>("--tagger-epochs") { Description = "Epochs for the filter's tagger when augment trains it.", DefaultValueFactory = _ => new NerTrainingOptions { Seed = 0 }.Epochs };
        var command = new Command("augment", "Augment a gold NER training set with MELM or a baseline: rewrite R rounds, filter, and write aug.conll, aug.jsonl, train+aug.conll, train+aug.jsonl, summary.json.");
        foreach (var option in new Option[] { model, train, codemix, dev, output, filter, tagger, taggerEpochs, options.Method, options.Seed }
                     .Concat(options.FineTuneOptions).Concat(options.GenerationOptions))
            command.Options.Add(option);
        options.Compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var method = options.ReadMethod(parseResult);
            var generation = options.ReadGeneration(parseResult);
            var device = options.ReadDevice(parseResult);
            var outFolder = parseResult.GetValue(output)!.FullName;
            var modelFolder = parseResult.GetValue(model)!.FullName;
            var (trainingPath, gold, training) = ReadTraining(parseResult.GetValue(train)?.FullName, parseResult.GetValue(codemix)?.FullName);
            var devCorpus = parseResult.GetValue(dev) is { } devFile ? MelmOptions.ReadCorpus(devFile.FullName) : null;
            // Gold-only makes no rewrites, so there is nothing to filter and no tagger to train.
            var taggerFolder = method == AugmentationMethod.GoldOnly ? null : FilterTaggerFolder(parseResult.GetValue(filter)!, parseResult.GetValue(tagger)?.FullName,
                () => AugmentPipeline.TrainFilterTagger(modelFolder, gold, devCorpus, new NerTrainingOptions { Seed = parseResult.GetValue(options.Seed), Epochs = parseResult.GetValue(taggerEpochs) },
                    device, Path.Combine(outFolder, AugmentPipeline.TaggerSubfolder)));
            var rewriterFolder = AugmentPipeline.ModelFor(method, modelFolder, training, devCorpus, options.ReadFineTune(parseResult), options.ReadLanguages(parseResult), device, outFolder);
            // The rounds and the filter run as a one-node cluster, the same actors as a distributed run.
            var inputs = new RunInputs(trainingPath, rewriterFolder, AugmentationMethods.Name(method), taggerFolder, generation);
            var spec = RunSpecs.For(training, inputs, LocalRun.DefaultShardSize, outFolder);
            // The stages run here before the items are recorded as the run's first events.
            var prepared = new List<StageCompleted>();
            if (AugmentationMethods.IsFineTuned(method))
                prepared.Add(new StageCompleted(spec.RunId, RunStages.FineTune, [rewriterFolder]));
            if (taggerFolder is not null)
                prepared.Add(new StageCompleted(spec.RunId, RunStages.FilterTagger, [taggerFolder]));
            LocalRun.Run(outFolder, options.Compute.Read(parseResult).Device, new StartRun(spec, prepared));
            var summary = AugmentationOutput.ReadSummary(outFolder)
                ?? throw new InvalidOperationException($"run {spec.RunId} completed without writing {AugmentationOutput.SummaryFile}");
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

    /// <summary>
    /// The path the run reads its sentences from (the --train file or the codemix folder), the gold
    /// data (for the filter's tagger) and the sentences to augment: the --train file for both, or a
    /// codemix folder's training sentences, and those plus its code-mixed sentences.
    /// </summary>
    private static (string Path, Corpus Gold, Corpus Training) ReadTraining(string? trainPath, string? codemixFolder)
    {
        switch (trainPath, codemixFolder)
        {
            case ({ } path, null):
                var corpus = MelmOptions.ReadCorpus(path);
                return (path, corpus, corpus);
            case (null, { } folder):
                var set = TrainingSet.Read(folder);
                return (folder, set.Gold, set.Training);
            case (null, null):
                throw new InputException("--train", null, "give the gold training file (--train), or a `melm codemix` output folder (--codemix)");
            default:
                throw new InputException("--codemix", null, "the codemix folder holds its own training sentences: give --train or --codemix, not both");
        }
    }
}
