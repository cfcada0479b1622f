using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Spectre.Console;
using Melm.Models.Tagging;

namespace Melm.Host.Commands;

/// <summary>`melm ner train | eval | predict`: the encoder + CRF tagger that filters augmented sentences and scores every run.</summary>
public static class NerCommand
{
    public static Command Create()
    {
        var ner = new Command("ner", "The NER tagger: an XLM-R / RoBERTa encoder with a linear-chain CRF.");
        ner.Subcommands.Add(CreateTrain());
        ner.Subcommands.Add(CreateEval());
        ner.Subcommands.Add(CreatePredict());
        return ner;
    }

    private static Command CreateTrain()
    {
        var defaults = new NerTrainingOptions { Seed = 0 };
        var train = new Option<FileInfo>("--train") { Description = "Training sentences (CoNLL columns, or JSON Lines by the .jsonl extension).", Required = true };
        var dev = new Option<FileInfo>("--dev") { Description = "Dev sentences: the epoch with the best dev F1 is kept.", Required = true };
        var model = new Option<DirectoryInfo>("--model") { Description = "The encoder: any model folder in Hugging Face layout (XLM-R, RoBERTa, a pretrained small preset, a tagger).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "The tagger folder to write.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seeds the new layer's weights, the shuffles and dropout.", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => defaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Sentences per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var crfLr = new Option<double?>("--crf-lr") { Description = "The CRF's learning rate [default: --lr]." };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var warmup = new Option<double>("--warmup") { Description = "Share of the steps with a linear learning-rate warmup from 0.", DefaultValueFactory = _ => defaults.WarmupFraction };
        var linearDecay = new Option<bool>("--linear-decay") { Description = "After warmup, decay the learning rate linearly to 0." };
        var clip = new Option<double?>("--clip") { Description = "Clip the gradient norm to this [default: no clipping]." };
        var freeze = new Option<bool>("--freeze-encoder") { Description = "Train only the emission layer and the CRF." };
        var maxLength = new Option<int?>("--max-length") { Description = "Subwords per encoder input, <s> and </s> included; longer sentences go in overlapping windows [default: the model's limit]." };
        var compute = new ComputeArguments();
        var tensorBoard = new TensorBoardArguments();
        var json = new Option<FileInfo?>("--json") { Description = "Also write every epoch's loss and dev F1 to this JSON file." };
        var command = new Command("train", "Train a tagger (paper defaults: AdamW, lr 2e-5, batch 16, 10 epochs, best epoch by dev F1) and save it as a folder, with TensorBoard curves.")
        {
            train, dev, model, output, seed, epochs, batchSize, lr, crfLr, weightDecay, warmup, linearDecay, clip, freeze, maxLength, json,
        };
        compute.AddTo(command);
        tensorBoard.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var computeOptions = compute.Read(parseResult);
            var options = new NerTrainingOptions
            {
                Seed = unchecked((ulong)parseResult.GetValue(seed)),
                Epochs = parseResult.GetValue(epochs),
                BatchSize = parseResult.GetValue(batchSize),
                LearningRate = parseResult.GetValue(lr),
                CrfLearningRate = parseResult.GetValue(crfLr),
                WeightDecay = parseResult.GetValue(weightDecay),
                WarmupFraction = parseResult.GetValue(warmup),
                LinearDecay = parseResult.GetValue(linearDecay),
                MaxGradNorm = parseResult.GetValue(clip),
                FreezeEncoder = parseResult.GetValue(freeze),
                Precision = computeOptions.Precision,
            };
            var problems = options.Check("options");
            if (problems.Count > 0)
                throw new InputException(problems);
            var device = computeOptions.Apply("--device");
            var trainPath = parseResult.GetValue(train)!.FullName;
            var devPath = parseResult.GetValue(dev)!.FullName;
            var modelPath = parseResult.GetValue(model)!.FullName;
            var outPath = parseResult.GetValue(output)!.FullName;
            var (trainCorpus, devCorpus) = ReadBoth(trainPath, devPath);
            NerTrainingResult result;
            TimeSpan took;
            using (var progress = new ConsoleProgress())
            {
                (result, took) = NerTrainer.TrainAndSave(modelPath, trainCorpus, devCorpus, options, device, outPath, maxLength: parseResult.GetValue(maxLength),
                    progress: progress, say: Console.WriteLine, curves: tensorBoard.Read(parseResult, outPath));
            }
            var console = ConsoleOutput.Create();
            console.Write(EpochTable(result));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kept epoch {result.BestEpoch} (dev F1 {result.BestDevF1:F2}); {result.Steps} steps in {took.TotalSeconds:F1} s; tagger saved to {outPath}"));
            if (parseResult.GetValue(json) is { } jsonFile)
                JsonReport.Write(jsonFile.FullName, w => WriteTraining(w, trainPath, devPath, modelPath, outPath, options, result));
            return 0;
        }));
        return command;
    }

    private static Command CreateEval()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A tagger folder written by `melm ner train`.", Required = true };
        var test = new Option<FileInfo>("--test") { Description = "Gold sentences to tag and score (CoNLL columns or JSON Lines).", Required = true };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file." };
        var batchSize = new Option<int>("--batch-size") { Description = "Sentences per forward pass.", DefaultValueFactory = _ => 32 };
        var compute = new ComputeArguments();
        var command = new Command("eval", "Tag a gold file with a tagger and print entity-level precision, recall and F1 (conlleval semantics).")
        {
            model, test, json, batchSize,
        };
        compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var modelPath = parseResult.GetValue(model)!.FullName;
            var testPath = parseResult.GetValue(test)!.FullName;
            var size = CheckBatchSize(parseResult.GetValue(batchSize));
            var device = compute.Read(parseResult).Apply("--device");
            var (tagger, tokenizer) = TaggerFolder.Load(modelPath, device);
            using (tagger)
            {
                var corpus = CorpusFile.Read(testPath);
                var problems = tagger.Labels.Unknown(corpus).Concat(TaggerInput.CheckFits(corpus, tokenizer, tagger.MaxLength)).ToList();
                if (problems.Count > 0)
                    throw new InputException(problems);
                var clock = Stopwatch.StartNew();
                var report = TaggerScore.Of(tagger, tokenizer, corpus, size);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"tagger {modelPath}, test {testPath}: {report.Sentences} sentences tagged in {clock.Elapsed.TotalSeconds:F1} s, {report.Mode}"));
                ConsoleOutput.Create().Write(F1Table.Build(report));
                if (parseResult.GetValue(json) is { } jsonFile)
                {
                    JsonReport.Write(jsonFile.FullName, w =>
                    {
                        w.WriteString("model", modelPath);
                        w.WriteString("test", testPath);
                        report.WriteTo(w);
                    });
                }
            }
            return 0;
        }));
        return command;
    }

    private static Command CreatePredict()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A tagger folder written by `melm ner train`.", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Sentences to tag: CoNLL columns (tokens alone, one per line, or tagged files whose tags are replaced) or JSON Lines.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the tagged sentences: JSON Lines for .jsonl, CoNLL columns otherwise.", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Sentences per forward pass.", DefaultValueFactory = _ => 32 };
        var compute = new ComputeArguments();
        var command = new Command("predict", "Tag sentences with a tagger, keeping tokens, ids and extra columns.")
        {
            model, input, output, batchSize,
        };
        compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var modelPath = parseResult.GetValue(model)!.FullName;
            var inputPath = parseResult.GetValue(input)!.FullName;
            var outputPath = parseResult.GetValue(output)!.FullName;
            var size = CheckBatchSize(parseResult.GetValue(batchSize));
            var device = compute.Read(parseResult).Apply("--device");
            var (tagger, tokenizer) = TaggerFolder.Load(modelPath, device);
            using (tagger)
            {
                var corpus = CorpusFile.Read(inputPath, new ConllReadOptions { AllowUntagged = true });
                var problems = TaggerInput.CheckFits(corpus, tokenizer, tagger.MaxLength);
                if (problems.Count > 0)
                    throw new InputException(problems);
                var clock = Stopwatch.StartNew();
                var predicted = new NerPredictor(tagger, tokenizer, size).Predict(corpus.Sentences.Select(s => s.Tokens).ToList());
                try
                {
                    CorpusFile.WriteSentences(corpus.Sentences.Select((s, i) => s with { Tags = predicted[i] }), outputPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new InputException(outputPath, null, $"cannot write the predictions: {e.Message}");
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"tagged {corpus.Sentences.Count} sentences of {inputPath} in {clock.Elapsed.TotalSeconds:F1} s into {outputPath}"));
            }
            return 0;
        }));
        return command;
    }

    private static int CheckBatchSize(int size) =>
        size >= 1 ? size : throw new InputException("--batch-size", null, $"must be at least 1, got {size}");

    private static (Corpus Train, Corpus Dev) ReadBoth(string trainPath, string devPath)
    {
        var corpora = CorpusFile.ReadAll([trainPath, devPath]);
        return (corpora[0], corpora[1]);
    }

    private static Table EpochTable(NerTrainingResult result)
    {
        var table = new Table().AddColumn("Epoch");
        table.AddColumn(new TableColumn("Train loss").RightAligned());
        table.AddColumn(new TableColumn("Dev F1").RightAligned());
        foreach (var epoch in result.Epochs)
        {
            var mark = epoch.Epoch == result.BestEpoch ? " [bold]*[/]" : "";
            table.AddRow(
                epoch.Epoch.ToString(CultureInfo.InvariantCulture) + mark,
                epoch.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                epoch.DevF1.ToString("F2", CultureInfo.InvariantCulture));
        }
        return table;
    }

    private static void WriteTraining(Utf8JsonWriter json, string train, string dev, string model, string output, NerTrainingOptions options, NerTrainingResult result)
    {
        json.WriteString("train", train);
        json.WriteString("dev", dev);
        json.WriteString("model", model);
        json.WriteString("out", output);
        json.WriteNumber("seed", options.Seed);
        json.WriteNumber("best_epoch", result.BestEpoch);
        json.WriteNumber("best_dev_f1", result.BestDevF1);
        json.WriteNumber("steps", result.Steps);
        json.WriteStartArray("epochs");
        foreach (var epoch in result.Epochs)
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", epoch.Epoch);
            json.WriteNumber("train_loss", epoch.TrainLoss);
            json.WriteNumber("dev_f1", epoch.DevF1);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
