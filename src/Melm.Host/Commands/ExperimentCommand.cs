using System.CommandLine;
using System.Globalization;
using Melm.Host.Experiments;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;

namespace Melm.Host.Commands;

/// <summary>`melm experiment`: a resumable grid of low-resource runs (languages x N x seeds x methods) with an F1 table.</summary>
public static class ExperimentCommand
{
    public static Command Create()
    {
        var tagger = new NerTrainingOptions { Seed = 0 };
        var fineTune = new FineTuneOptions();
        var conll = new Option<DirectoryInfo>("--conll") { Description = "Folder with LANG/train.txt, LANG/dev.txt, LANG/test.txt (CoNLL columns).", Required = true };
        var model = new Option<DirectoryInfo>("--model") { Description = "Pretrained MLM folder: every tagger's encoder and MELM's starting point.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Experiment folder; rerun the same command to resume.", Required = true };
        var languages = new Option<string>("--languages") { Description = "Comma-separated languages (subfolders of --conll).", DefaultValueFactory = _ => "en,es" };
        var sizes = new Option<string>("--n") { Description = "Comma-separated gold sample sizes N (paper: 100,200,400,800).", DefaultValueFactory = _ => "100,200" };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds: the sample, every model's initialisation and every draw.", DefaultValueFactory = _ => "1,2,3" };
        var methods = new Option<string>("--methods") { Description = $"Comma-separated methods: {string.Join(", ", ExperimentMethods.Names)}.", DefaultValueFactory = _ => "gold-only,label-wise,melm" };
        var rounds = new Option<int>("--rounds") { Description = "R: rewrites per sentence (paper: 3).", DefaultValueFactory = _ => 3 };
        var taggerLr = new Option<double>("--tagger-lr") { Description = "Tagger AdamW learning rate (paper: 2e-5).", DefaultValueFactory = _ => tagger.LearningRate };
        var taggerEpochs = new Option<int>("--tagger-epochs") { Description = "Tagger epochs (paper: 10).", DefaultValueFactory = _ => tagger.Epochs };
        var taggerBatch = new Option<int>("--tagger-batch-size") { Description = "Tagger batch (paper: 16).", DefaultValueFactory = _ => tagger.BatchSize };
        var melmLr = new Option<double>("--melm-lr") { Description = "MELM fine-tuning learning rate (paper: 1e-5).", DefaultValueFactory = _ => fineTune.LearningRate };
        var melmEpochs = new Option<int>("--melm-epochs") { Description = "MELM fine-tuning epochs (paper: 20).", DefaultValueFactory = _ => fineTune.Epochs };
        var url = new Option<string?>("--url")
        {
            Description = "Run the grid on a cluster (melm node) through its coordinator's status endpoint, one job per cell spread over the workers' devices; paths must name the same files on every node.",
        };
        var compute = new ComputeArguments();
        var command = new Command("experiment", "Run a resumable grid of low-resource experiments (paper 3.1): per language, N and seed, train the final tagger on gold and on gold + each augmentation method, score it on the full test set, and tabulate mean and standard deviation of test F1.")
        {
            conll, model, output, languages, sizes, seeds, methods, rounds, taggerLr, taggerEpochs, taggerBatch, melmLr, melmEpochs, url,
        };
        compute.AddTo(command);
        var token = new TokenArguments();
        token.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var taggerOptions = tagger with
            {
                LearningRate = parseResult.GetValue(taggerLr),
                Epochs = parseResult.GetValue(taggerEpochs),
                BatchSize = parseResult.GetValue(taggerBatch),
            };
            var problems = taggerOptions.Check("tagger options").ToList();
            var settings = new ExperimentSettings(
                parseResult.GetValue(conll)!.FullName,
                parseResult.GetValue(model)!.FullName,
                List(parseResult.GetValue(languages)!, "--languages", problems, text => (text.Length > 0, text)),
                List(parseResult.GetValue(sizes)!, "--n", problems, text => (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0, n)),
                List(parseResult.GetValue(seeds)!, "--seeds", problems, text => (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s), s)),
                List(parseResult.GetValue(methods)!, "--methods", problems, text => (ExperimentMethods.TryParse(text, out var m), m)),
                taggerOptions,
                fineTune with { LearningRate = parseResult.GetValue(melmLr), Epochs = parseResult.GetValue(melmEpochs) },
                parseResult.GetValue(rounds),
                parseResult.GetValue(output)!.FullName);
            if (settings.Rounds < 1)
                problems.Add(new InputProblem("--rounds", null, $"must be at least 1, got {settings.Rounds}"));
            if (settings.FineTune.LearningRate <= 0 || settings.FineTune.Epochs < 1)
                problems.Add(new InputProblem("--melm-lr/--melm-epochs", null, "the learning rate must be positive and the epochs at least 1"));
            problems.AddRange(MissingInputs(settings));
            if (problems.Count > 0)
                throw new InputException(problems);
            var console = ConsoleOutput.Create();
            var results = parseResult.GetValue(url) is { } address
                ? ClusterExperiment.Run(settings, address, token.Read(parseResult))
                : new ExperimentRunner(settings, compute.Read(parseResult).Apply("--device"), console).Run();
            ExperimentReport.Print(console, settings, results);
            Console.WriteLine($"results: {ExperimentReport.Write(settings, results)} and {Path.Combine(settings.Out, ExperimentReport.JsonFile)}");
            return 0;
        }));
        return command;
    }

    /// <summary>A comma-separated option's values; each one that does not parse (or repeats) is a problem naming the option.</summary>
    private static List<T> List<T>(string text, string option, List<InputProblem> problems, Func<string, (bool Ok, T Value)> parse)
    {
        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var (ok, value) = parse(part);
            if (!ok)
                problems.Add(new InputProblem(option, null, $"'{part}' is not a valid value"));
            else if (values.Contains(value))
                problems.Add(new InputProblem(option, null, $"'{part}' is given twice"));
            else
                values.Add(value);
        }
        return values;
    }

    private static readonly string[] Splits = ["train", "dev", "test"];

    private static IEnumerable<InputProblem> MissingInputs(ExperimentSettings settings)
    {
        foreach (var path in settings.Languages.SelectMany(language => Splits.Select(split => settings.Split(language, split))))
        {
            if (!File.Exists(path))
                yield return new InputProblem(path, null, "no such file (--conll needs LANG/train.txt, LANG/dev.txt and LANG/test.txt for each language)");
        }
        if (!File.Exists(Path.Combine(settings.Model, "config.json")))
            yield return new InputProblem(settings.Model, null, "not a model folder: no config.json");
    }
}
