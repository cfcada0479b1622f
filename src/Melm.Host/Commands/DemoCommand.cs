using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Melm.Actors.Protocol.Commands;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Nn;
using Melm.Models.Pretraining;
using Melm.Models.Runs;
using Spectre.Console;
using Melm.Models.Mlm;
using Melm.Models.Tagging;

namespace Melm.Host.Commands;

/// <summary>
/// `melm demo`: the whole pipeline, offline, on the embedded four-language sample (samples/demo):
/// pretrain a tiny masked LM on the sample's own text, then augment as `melm augment` does (a run on a
/// one-node cluster: train the filter's tagger on the gold data, fine-tune MELM with label and
/// language markers, generate rewrites and filter them), then train the final tagger on gold and on
/// gold + kept rewrites and compare test F1. Every step resumes from what a previous run left in --out.
/// </summary>
public static class DemoCommand
{
    private static readonly string[] Languages = ["en", "es", "de", "nl"];

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for everything the demo makes; rerun to resume.", DefaultValueFactory = _ => new DirectoryInfo("melm-demo") };
        var seed = new Option<ulong>("--seed") { Description = "Run seed.", DefaultValueFactory = _ => 1UL };
        var pretrainSteps = new Option<int>("--pretrain-steps") { Description = "Steps of masked-LM pretraining.", DefaultValueFactory = _ => 2000 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of MELM fine-tuning and of each tagger.", DefaultValueFactory = _ => 15 };
        var compute = new ComputeArguments();
        var command = new Command("demo", "Run the whole MELM pipeline offline on the embedded four-language sample with a tiny model it pretrains itself (a few minutes on 2 cores).");
        foreach (var option in new Option[] { output, seed, pretrainSteps, epochs })
            command.Options.Add(option);
        compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var settings = new Settings(
                parseResult.GetValue(output)!.FullName, parseResult.GetValue(seed), parseResult.GetValue(pretrainSteps),
                parseResult.GetValue(epochs), compute.Read(parseResult));
            Run(settings);
            return 0;
        }));
        return command;
    }

    private sealed record Settings(string Out, ulong Seed, int PretrainSteps, int Epochs, ComputeOptions Compute)
    {
        public string Folder(string name) => Path.Combine(Out, name);
    }

    private static void Run(Settings s)
    {
        var console = ConsoleOutput.Create();
        var clock = Stopwatch.StartNew();
        var deviceForTorch = s.Compute.Apply("--device");
        console.MarkupLine("[bold]Melm demo[/]: MELM augmentation on a small four-language sample written for the project, with a tiny model pretrained here.");
        console.MarkupLine("[grey]Demo settings, not the paper's: a 2-layer model, learning rates raised and epochs cut so each step takes seconds to a minute on 2 CPU cores.[/]");

        Step(console, 1, "unpacking the sample data and tokenizer");
        var data = DemoData.Extract(s.Folder("data"));
        var train = Combine("demo train", data, "train");
        var dev = Combine("demo dev", data, "dev");
        var test = Combine("demo test", data, "test");
        Console.WriteLine($"{train.Sentences.Count} train, {dev.Sentences.Count} dev, {test.Sentences.Count} test sentences in {string.Join(", ", Languages)}; data in {data}");

        Step(console, 2, "pretraining a tiny masked language model on the sample's own text");
        var pretrained = Pretrain(s, data);

        Step(console, 3, "augmenting, as melm augment does on a one-node cluster: the filter's tagger, MELM fine-tuning with label and language markers, then 3 rewrites per sentence, filtered");
        var tuned = s.Folder("melm-model");
        var filterTagger = s.Folder("filter-tagger");
        var augmented = s.Folder("augmented");
        var spec = AugmentSpec(s, data, train, dev, pretrained, tuned, filterTagger, augmented);
        LocalRun.Run(augmented, s.Compute.Device, new StartRun(spec));
        var summary = AugmentationOutput.ReadSummary(augmented)
            ?? throw new InvalidOperationException($"run {spec.RunId} completed without writing {AugmentationOutput.SummaryFile}");
        AugmentSummaryTable.Write(console, summary);
        var kept = CorpusFile.Read(Path.Combine(augmented, AugmentationOutput.AugmentedJsonLines)).Sentences;
        ShowExamples(console, train.Sentences, kept);

        Step(console, 4, "training the final tagger on gold only and on gold + kept rewrites, scored on test");
        var goldOnly = Tagger(s, pretrained, train, dev, "tagger-gold", deviceForTorch);
        var withAugmented = Tagger(s, pretrained, train with { Sentences = [.. train.Sentences, .. kept] }, dev, "tagger-gold+melm", deviceForTorch);
        var table = new Table().AddColumns("training data", "sentences", "test precision", "test recall", "test F1");
        foreach (var (name, folder, count) in new[] { ("gold", goldOnly, train.Sentences.Count), ("gold + MELM", withAugmented, train.Sentences.Count + kept.Count) })
        {
            var f1 = TaggerScore.Of(folder, test, deviceForTorch).Overall;
            table.AddRow(name, count.ToString(CultureInfo.InvariantCulture), F(f1.Precision), F(f1.Recall), F(f1.F1));
        }
        console.Write(table);
        console.MarkupLine("[grey]120 test sentences and a tiny model pretrained for a few minutes: these figures show that the pipeline runs end to end, not what MELM achieves.[/]");

        console.MarkupLine($"[bold]Done[/] in {clock.Elapsed.TotalMinutes:0.0} min. Outputs in {Markup.Escape(s.Out)}:");
        foreach (var (what, path) in new[]
                 {
                     ("pretrained MLM", pretrained), ("fine-tuned MELM", tuned), ("augmented data (aug.conll, aug.jsonl, train+aug.conll, summary.json)", augmented),
                     ("filter tagger", filterTagger), ("final taggers", $"{goldOnly}, {withAugmented}"),
                 })
            console.MarkupLine($"  {Markup.Escape(what)}: {Markup.Escape(path)}");
    }

    private static void Step(IAnsiConsole console, int number, string what) =>
        console.Write(new Rule($"[bold]{number}/4[/] {Markup.Escape(what)}").LeftJustified());

    /// <summary>
    /// The demo's augmentation as a run: the combined sample written as JSON Lines (the run reads
    /// its corpus by path), the filter's tagger and MELM fine-tuning as its stages, the demo's folders.
    /// </summary>
    private static RunSpec AugmentSpec(Settings s, string data, Corpus train, Corpus dev, string pretrained, string tuned, string filterTagger, string augmented)
    {
        var trainPath = Path.Combine(data, "train.jsonl");
        var devPath = Path.Combine(data, "dev.jsonl");
        JsonLines.Write(train.Sentences, trainPath);
        JsonLines.Write(dev.Sentences, devPath);
        var preparation = new RunPreparation(
            new FilterTaggerJob(pretrained, devPath, TaggerOptions(s)),
            new FineTuneJob(pretrained, devPath, new FineTuneOptions(Epochs: s.Epochs, BatchSize: 30, LearningRate: 1e-3, MaskRate: 0.7, Seed: s.Seed), Languages));
        var inputs = new RunInputs(trainPath, tuned, AugmentationMethods.Name(AugmentationMethod.Melm), filterTagger, new GenerationOptions(Rounds: 3, Seed: s.Seed));
        return RunSpecs.For(train, inputs, LocalRun.DefaultShardSize, augmented, preparation);
    }

    private static NerTrainingOptions TaggerOptions(Settings s) => new() { Seed = s.Seed, Epochs = s.Epochs, LearningRate = 1e-3 };

    private static Corpus Combine(string name, string data, string split)
    {
        var corpora = CorpusFile.ReadAll(
            [.. Languages.Select(lang => Path.Combine(data, lang, split + ".txt"))],
            null);
        var sentences = corpora.Zip(Languages, (corpus, lang) => corpus.Sentences.Select(sentence => sentence with { Id = $"{lang}-{sentence.Id}", Lang = lang }))
            .SelectMany(x => x).ToArray();
        return new Corpus($"{name} ({string.Join(", ", Languages)})", sentences);
    }

    private static string Pretrain(Settings s, string data)
    {
        var folder = s.Folder("pretrained");
        var options = new PretrainOptions
        {
            TextFiles = [.. Languages.Select(lang => Path.Combine(data, "unlabeled", lang + ".txt"))],
            ConllFiles = [.. Languages.Select(lang => Path.Combine(data, lang, "train.txt"))],
            Tokenizer = Path.Combine(data, "tokenizer"),
            Layers = 2,
            Hidden = 256,
            Heads = 4,
            Intermediate = 1024,
            Seed = s.Seed,
            BlockSize = 64,
            BatchSize = 16,
            TotalSteps = s.PretrainSteps,
            LearningRate = 1e-3,
            CheckpointEvery = 500,
        };
        PretrainResult result;
        using (var progress = new ConsoleProgress())
            result = Pretrainer.Run(options, folder, new PretrainBudget(), s.Compute, progress, line => Console.Error.WriteLine(line), stop: CancellationToken.None);
        var r = result.Report;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(result.AlreadyFinished ? "reused" : "pretrained")} {folder}: {r.Steps} steps; held-out masked-token accuracy {r.HeldOutAccuracy:P1} (most frequent token {r.MostFrequentTokenAccuracy:P1})"));
        return folder;
    }

    private static string Tagger(Settings s, string pretrained, Corpus train, Corpus dev, string name, TorchSharp.torch.Device device)
    {
        var folder = s.Folder(name);
        if (File.Exists(Path.Combine(folder, TaggerFolder.MetadataFileName)))
        {
            Console.WriteLine($"reusing {folder}");
            return folder;
        }
        NerTrainingResult result;
        TimeSpan took;
        using (var progress = new ConsoleProgress())
            (result, took) = NerTrainer.TrainAndSave(pretrained, train, dev, TaggerOptions(s), device, folder, progress: progress, say: Console.WriteLine);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: epoch {result.BestEpoch} kept, dev F1 {result.BestDevF1:F2}, {took.TotalSeconds:F0} s"));
        return folder;
    }

    /// <summary>A few source sentences beside their kept rewrites, entities highlighted.</summary>
    private static void ShowExamples(IAnsiConsole console, IReadOnlyList<Sentence> gold, IReadOnlyList<Sentence> rewrites)
    {
        var bySource = rewrites.GroupBy(r => r.Provenance!.SourceId).ToDictionary(g => g.Key, g => g.ToArray());
        var shown = 0;
        foreach (var lang in Languages)
        {
            var source = gold.FirstOrDefault(x => x.Lang == lang && bySource.ContainsKey(x.Id));
            if (source is null)
                continue;
            console.MarkupLine($"[bold]{lang}[/] before: {Highlight(source)}");
            foreach (var rewrite in bySource[source.Id])
                console.MarkupLine($"   after r{rewrite.Provenance!.Round}: {Highlight(rewrite)}");
            shown++;
        }
        if (shown == 0)
            console.MarkupLine("[yellow]No rewrite passed the consistency filter, so there is nothing to show; see the summary's drop counts.[/]");
    }

    private static string Highlight(Sentence sentence) =>
        string.Join(' ', sentence.Tokens.Select((token, i) => sentence.Tags[i] == "O"
            ? Markup.Escape(token)
            : $"[cyan]{Markup.Escape(token)}[/][grey]/{Markup.Escape(sentence.Tags[i])}[/]"));

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
