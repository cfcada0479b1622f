using System.Globalization;
using System.Text;
using System.Text.Json;
using Melm.Host.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Nn;
using Melm.Models.Pretraining;
using Spectre.Console;
using Melm.Models.Mlm;
using Melm.Models.Runs;

namespace Melm.Benchmarks;

/// <summary>
/// Issue 4's real-data report: on a CoNLL English low-resource sample, how many rewrites the
/// consistency filter keeps and how many new entities MELM adds, beside label-wise substitution.
/// It runs `melm augment`'s stages (<see cref="AugmentPipeline"/>) with one filter tagger trained
/// once for both methods, and resumes: the sample, the tagger, each method's folder and MELM's
/// fine-tuning are reused when a previous run finished them.
/// </summary>
public static class AugmentReport
{
    public const string JsonFile = "report.json";
    public const string MarkdownFile = "report.md";
    public const string SampleFolder = "sample";

    /// <summary>The methods compared, in table order.</summary>
    public static readonly IReadOnlyList<AugmentationMethod> Methods = [AugmentationMethod.Labelwise, AugmentationMethod.Melm];

    private static readonly string[] Reasons = [.. Enum.GetValues<DropReason>().Select(AugmentationSummary.ReasonName)];

    public static int Run(AugmentReportOptions options)
    {
        var trainPath = Path.Combine(options.Conll, "en", "train.txt");
        var devPath = Path.Combine(options.Conll, "en", "dev.txt");
        var missing = new[] { trainPath, devPath }.Where(p => !File.Exists(p))
            .Select(p => new InputProblem(p, null, "absent: the report needs CoNLL-2003 English (en/train.txt and en/dev.txt under --conll, e.g. ../shared/data/conll)")).ToList();
        missing.AddRange(CheckModel(options.Model));
        if (missing.Count > 0)
            throw new InputException(missing);
        var device = new ComputeOptions(Threads: options.Threads).Apply("--threads");
        Directory.CreateDirectory(options.Out);

        var (train, dev) = Sample(options, trainPath, devPath);
        var seed = (ulong)options.Seed;
        string tagger;
        using (var progress = new ConsoleProgress())
        {
            tagger = AugmentPipeline.TrainFilterTagger(options.Model, train, dev,
                new NerTrainingOptions { Seed = seed, Epochs = options.TaggerEpochs, LearningRate = options.TaggerLearningRate }, device,
                Path.Combine(options.Out, AugmentPipeline.TaggerSubfolder), progress, Console.WriteLine);
        }
        var summaries = new List<AugmentationSummary>();
        AugmentPipeline.LoadedFilter? filter = null;
        try
        {
            foreach (var method in Methods)
            {
                var folder = Path.Combine(options.Out, AugmentationMethods.Name(method));
                if (AugmentationOutput.ReadSummary(folder) is { } done)
                {
                    Console.WriteLine($"{done.Method}: reusing {folder}");
                    summaries.Add(done);
                    continue;
                }
                filter ??= AugmentPipeline.LoadFilter(tagger, device);
                var generation = new GenerationOptions(Rounds: options.Rounds, Seed: seed);
                var fineTune = new FineTuneOptions(Epochs: options.Epochs, LearningRate: options.LearningRate, Seed: seed);
                IRewriter rewriter;
                using (var progress = new ConsoleProgress())
                    rewriter = AugmentPipeline.OpenRewriter(method, options.Model, train, dev, fineTune, generation, null, device, folder, progress, Console.WriteLine);
                using (rewriter as IDisposable)
                using (var progress = new ConsoleProgress())
                    summaries.Add(AugmentPipeline.RunAndWrite(rewriter, train, options.Rounds, filter.Predictor, generation.BatchSize, folder, progress: progress, say: Console.WriteLine));
            }
        }
        finally
        {
            filter?.Dispose();
        }

        var types = summaries.SelectMany(s => s.EntityTypes.Select(t => t.Type)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        ConsoleOutput.Create().Write(Table(summaries, types));
        File.WriteAllText(Path.Combine(options.Out, MarkdownFile), Markdown(options, summaries, types));
        JsonReport.Write(Path.Combine(options.Out, JsonFile), json => Json(json, options, summaries));
        Console.WriteLine($"report: {Path.Combine(options.Out, MarkdownFile)}, {Path.Combine(options.Out, JsonFile)}");
        return 0;
    }

    /// <summary>The model folder must be a finished pretrained model, not a run still writing checkpoints.</summary>
    private static IEnumerable<InputProblem> CheckModel(string folder)
    {
        if (!File.Exists(Path.Combine(folder, ModelFolder.ConfigFile)))
        {
            yield return new InputProblem(folder, null, $"absent or not a model folder (no {ModelFolder.ConfigFile}): give the pretrained small model, e.g. .melm/models/small-multi");
            yield break;
        }
        var report = Path.Combine(folder, Pretrainer.ReportFile);
        if (File.Exists(report) && JsonSerializer.Deserialize<PretrainReport>(File.ReadAllText(report), PretrainReport.Json) is { Finished: false } unfinished)
            yield return new InputProblem(report, null, $"pretraining is at step {unfinished.Steps} of {unfinished.TotalSteps}: wait for it to finish, a checkpoint is not the model");
    }

    /// <summary>The paper's sample of N train and N dev sentences, drawn once into out/sample and read back on a rerun.</summary>
    private static (Corpus Train, Corpus Dev) Sample(AugmentReportOptions options, string trainPath, string devPath)
    {
        var folder = Path.Combine(options.Out, SampleFolder);
        var reused = true;
        var sample = LowResourceSample.DrawOnce(folder, options.N, options.Seed, () =>
        {
            reused = false;
            var corpora = CorpusFile.ReadAll([trainPath, devPath]);
            return (corpora[0], corpora[1]);
        });
        Console.WriteLine(reused ? $"sample: reusing {folder}" : $"sample: {options.N} train and {options.N} dev sentences (seed {options.Seed}) into {folder}");
        return sample;
    }

    /// <summary>One row per figure, one column per method: narrow enough for a terminal whatever the number of types.</summary>
    private static List<(string Figure, string[] Values)> Rows(List<AugmentationSummary> summaries, IReadOnlyList<string> types)
    {
        var rows = new List<(string, string[])>
        {
            ("rewrites made", [.. summaries.Select(s => Number(s.RewritesMade))]),
        };
        rows.AddRange(Reasons.Select(r => ($"dropped: {r.Replace('_', ' ')}", summaries.Select(s => Number(s.Dropped.GetValueOrDefault(r))).ToArray())));
        rows.Add(("kept", [.. summaries.Select(s => Number(s.Kept))]));
        rows.AddRange(types.Select(t => ($"new unique {t} entities", summaries.Select(s => Number(s.EntityTypes.FirstOrDefault(e => e.Type == t)?.NewUnique ?? 0)).ToArray())));
        rows.Add(("kept entity mentions not in the gold sample", [.. summaries.Select(s => s.NewMentionShare is { } share ? share.ToString("P1", CultureInfo.InvariantCulture) : "-")]));
        return rows;
    }

    private static Table Table(List<AugmentationSummary> summaries, IReadOnlyList<string> types)
    {
        var table = new Table().AddColumn("");
        foreach (var summary in summaries)
            table.AddColumn(new TableColumn(Markup.Escape(summary.Method)).RightAligned());
        foreach (var (figure, values) in Rows(summaries, types))
            table.AddRow([Markup.Escape(figure), .. values]);
        return table;
    }

    private static string Markdown(AugmentReportOptions o, List<AugmentationSummary> summaries, IReadOnlyList<string> types)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CoNLL English, N={o.N} (seed {o.Seed}), R={o.Rounds}, model {o.Model}; MELM fine-tuned {o.Epochs} epochs at lr {o.LearningRate}; filter tagger {o.TaggerEpochs} epochs at lr {o.TaggerLearningRate}, trained once on the gold sample.");
        text.AppendLine();
        text.AppendLine("| | " + string.Join(" | ", summaries.Select(s => s.Method)) + " |");
        text.AppendLine("|---" + string.Concat(Enumerable.Repeat("|---:", summaries.Count)) + "|");
        foreach (var (figure, values) in Rows(summaries, types))
            text.AppendLine($"| {figure} | " + string.Join(" | ", values) + " |");
        return text.ToString();
    }

    private static void Json(Utf8JsonWriter json, AugmentReportOptions o, List<AugmentationSummary> summaries)
    {
        json.WriteString("model", o.Model);
        json.WriteString("conll", o.Conll);
        json.WriteNumber("n", o.N);
        json.WriteNumber("seed", o.Seed);
        json.WriteNumber("rounds", o.Rounds);
        json.WriteNumber("epochs", o.Epochs);
        json.WriteNumber("lr", o.LearningRate);
        json.WriteNumber("tagger_epochs", o.TaggerEpochs);
        json.WriteNumber("tagger_lr", o.TaggerLearningRate);
        json.WriteStartArray("methods");
        foreach (var s in summaries)
        {
            json.WriteStartObject();
            json.WriteString("method", s.Method);
            json.WriteNumber("rewrites_made", s.RewritesMade);
            json.WriteStartObject("dropped");
            foreach (var (reason, count) in s.Dropped)
                json.WriteNumber(reason, count);
            json.WriteEndObject();
            json.WriteNumber("kept", s.Kept);
            json.WriteStartObject("new_unique");
            foreach (var type in s.EntityTypes)
                json.WriteNumber(type.Type, type.NewUnique);
            json.WriteEndObject();
            if (s.NewMentionShare is { } share)
                json.WriteNumber("new_mention_share", share);
            else
                json.WriteNull("new_mention_share");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
