using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;

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
            var useFilter = ReadFilterKind(parseResult.GetValue(filter)!);
            var device = options.ReadDevice(parseResult);
            var outFolder = parseResult.GetValue(output)!.FullName;
            var modelFolder = parseResult.GetValue(model)!.FullName;
            var (gold, training) = ReadTraining(parseResult.GetValue(train)?.FullName, parseResult.GetValue(codemix)?.FullName);
            var devCorpus = parseResult.GetValue(dev) is { } devFile ? MelmOptions.ReadCorpus(devFile.FullName) : null;
            // Gold-only makes no rewrites, so there is nothing to filter and no tagger to train.
            using var consistency = useFilter && method != AugmentationMethod.GoldOnly
                ? AugmentPipeline.LoadFilter(parseResult.GetValue(tagger)?.FullName ?? AugmentPipeline.TrainFilterTagger(
                    modelFolder, gold, devCorpus, new NerTrainingOptions { Seed = parseResult.GetValue(options.Seed), Epochs = parseResult.GetValue(taggerEpochs) },
                    device, Path.Combine(outFolder, AugmentPipeline.TaggerSubfolder)), device)
                : null;
            var rewriter = AugmentPipeline.OpenRewriter(method, modelFolder, training, devCorpus, options.ReadFineTune(parseResult), generation,
                options.ReadLanguages(parseResult), device, outFolder);
            using var owned = rewriter as IDisposable;
            var summary = AugmentPipeline.RunAndWrite(rewriter, training, generation.Rounds, consistency?.Predictor, generation.BatchSize, outFolder);
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }

    /// <summary>True for --filter ner, false for none.</summary>
    private static bool ReadFilterKind(string kind) => kind.ToLowerInvariant() switch
    {
        "ner" => true,
        "none" => false,
        _ => throw new InputException("--filter", null, $"unknown filter '{kind}' (expected none or ner)"),
    };

    /// <summary>
    /// The gold data (for the filter's tagger) and the sentences to augment: the --train file for both,
    /// or a codemix folder's training sentences, and those plus its code-mixed sentences.
    /// </summary>
    private static (Corpus Gold, Corpus Training) ReadTraining(string? trainPath, string? codemixFolder)
    {
        switch (trainPath, codemixFolder)
        {
            case ({ } path, null):
                var corpus = MelmOptions.ReadCorpus(path);
                return (corpus, corpus);
            case (null, { } folder):
                var (gold, mixed) = CodeMixFolder.Read(folder);
                var source = Path.Combine(folder, AugmentationOutput.GoldPlusAugmentedJsonLines);
                if (gold.Count == 0)
                    throw new InputException(source, null, "the file holds no training sentences (sentences without provenance)");
                return (new Corpus(source, gold), new Corpus(source, [.. gold, .. mixed]));
            case (null, null):
                throw new InputException("--train", null, "give the gold training file (--train), or a `melm codemix` output folder (--codemix)");
            default:
                throw new InputException("--codemix", null, "the codemix folder holds its own training sentences: give --train or --codemix, not both");
        }
    }
}
