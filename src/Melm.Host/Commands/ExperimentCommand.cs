using System.CommandLine;
using System.Globalization;
using Melm.Host.Experiments;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Runs;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>`melm experiment`: a resumable grid of low-resource runs (languages x N x seeds x methods) with an F1 table.</summary>
public static class ExperimentCommand
{
    public static Command Create()
    {
        var tagger = new NerTrainingOptions { Seed = 0 };
        var fineTune = new FineTuneOptions();
        var grid = new Option<FileInfo?>("--grid") { Description = "A grid file (JSON; benchmarks/grids/README.md): settings, languages, N, seeds, methods and hyperparameters; --conll, --model and --out replace its paths." };
        var conll = new Option<DirectoryInfo?>("--conll") { Description = "Folder with LANG/train.txt, LANG/dev.txt, LANG/test.txt (CoNLL columns)." };
        var model = new Option<DirectoryInfo?>("--model") { Description = "Pretrained MLM folder: every tagger's encoder and MELM's starting point." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Experiment folder; rerun the same command to resume." };
        var languages = new Option<string>("--languages") { Description = "Comma-separated languages (subfolders of --conll).", DefaultValueFactory = _ => "en,es" };
        var sizes = new Option<string>("--n") { Description = "Comma-separated gold sample sizes N (paper: 100,200,400,800).", DefaultValueFactory = _ => "100,200" };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds: the sample, every model's initialisation and every draw.", DefaultValueFactory = _ => "1,2,3" };
        var methods = new Option<string>("--methods") { Description = $"Comma-separated methods: {string.Join(", ", AugmentationMethods.ExperimentNames)}.", DefaultValueFactory = _ => "gold-only,label-wise,melm" };
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
            grid, conll, model, output, languages, sizes, seeds, methods, rounds, taggerLr, taggerEpochs, taggerBatch, melmLr, melmEpochs, url,
        };
        compute.AddTo(command);
        var endpoint = new EndpointArguments();
        endpoint.AddTo(command);
        Option[] gridFields = [languages, sizes, seeds, methods, rounds, taggerLr, taggerEpochs, taggerBatch, melmLr, melmEpochs];
        command.SetAction(parseResult => Cli.Run(() =>
        {
            ExperimentSettings settings;
            string pathBase;
            if (parseResult.GetValue(grid) is { } gridFile)
            {
                var given = gridFields.Where(o => parseResult.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                if (given.Length > 0)
                    throw new InputException(gridFile.FullName, null, $"{string.Join(", ", given)}: set in the grid file; with --grid only --conll, --model, --out, --url and the compute options are taken");
                settings = GridFile.Read(gridFile.FullName, parseResult.GetValue(conll)?.FullName, parseResult.GetValue(model)?.FullName, parseResult.GetValue(output)?.FullName);
                pathBase = gridFile.DirectoryName!;
            }
            else
            {
                settings = FromOptions(parseResult);
                pathBase = Environment.CurrentDirectory;
            }
            var console = ConsoleOutput.Create();
            var address = parseResult.GetValue(url);
            if (address is not null && compute.IsAuto(parseResult))
                throw new InputException("--precision", null, "auto measures this machine's device, not the workers': with --url give fp32 or bf16");
            var computeOptions = compute.Read(parseResult);
            settings = settings with
            {
                Tagger = settings.Tagger with { Precision = computeOptions.Precision },
                FineTune = settings.FineTune with { Precision = computeOptions.Precision },
            };
            var context = new ExperimentReport.Context(pathBase, $"{compute.PrecisionNote} (training of the taggers and MELM; scoring and generation in fp32)");
            IReadOnlyList<CellResult> results;
            if (address is not null)
            {
                using var client = endpoint.Connect(parseResult, address);
                results = ClusterExperiment.Run(settings, client);
            }
            else
            {
                using var progress = new ConsoleProgress();
                var output = new ExperimentOutput(
                    heading => console.Write(new Rule(Markup.Escape(heading)).LeftJustified()), line => console.MarkupLine(Markup.Escape(line)), progress);
                results = new ExperimentRunner(settings, computeOptions.Apply("--device"), output).Run(soFar => ExperimentReport.Write(settings, soFar, context));
            }
            ExperimentReport.Print(console, settings, results);
            Console.WriteLine($"results: {ExperimentReport.Write(settings, results, context)} and {Path.Combine(settings.Out, ExperimentReport.JsonFile)}");
            return 0;
        }));
        return command;

        ExperimentSettings FromOptions(ParseResult parseResult)
        {
            var problems = new List<InputProblem>();
            foreach (var required in new Option[] { conll, model, output }.Where(o => parseResult.GetResult(o) is null or { Implicit: true }))
                problems.Add(new InputProblem(required.Name, null, "is required (or give a grid file with --grid)"));
            if (problems.Count > 0)
                throw new InputException(problems);
            var taggerOptions = tagger with
            {
                LearningRate = parseResult.GetValue(taggerLr),
                Epochs = parseResult.GetValue(taggerEpochs),
                BatchSize = parseResult.GetValue(taggerBatch),
            };
            problems.AddRange(taggerOptions.Check("tagger options"));
            var settings = new ExperimentSettings(
                parseResult.GetValue(conll)!.FullName,
                parseResult.GetValue(model)!.FullName,
                List(parseResult.GetValue(languages)!, "--languages", problems, text => (text.Length > 0, text)),
                List(parseResult.GetValue(sizes)!, "--n", problems, text => (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0, n)),
                List(parseResult.GetValue(seeds)!, "--seeds", problems, text => (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s), s)),
                List(parseResult.GetValue(methods)!, "--methods", problems, text => (AugmentationMethods.TryParseExperiment(text, out var m), m)),
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
            return settings;
        }
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
