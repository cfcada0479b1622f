using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Evaluation;
using Spectre.Console;
using Melm.Models.Runs;

namespace Melm.Host.Experiments;

/// <summary>
/// The grid's results, laid out like the paper's Table 1: per setting (monolingual, zero-shot
/// cross-lingual), per N, a row per method and a column per language with the average, test F1 as
/// mean ± standard deviation over the seeds finished so far; then every seed, the diagnostics that
/// explain each number, and the time each part took. results.md, results.json, plots and a console table.
/// </summary>
public static class ExperimentReport
{
    public const string MarkdownFile = "results.md";
    public const string JsonFile = "results.json";
    public const string Monolingual = "monolingual";
    public const string CrossLingual = "cross-lingual";
    public const string Multilingual = "multilingual";

    /// <summary>What the report says about how it was made, beside the grid's settings.</summary>
    /// <param name="PathBase">Model and data paths are written relative to this folder (the grid file's, or the working folder): no machine's absolute paths in published results.</param>
    /// <param name="Precision">The precision the runs used and why ("fp32", "bf16 (auto: 2.1x faster matmul)").</param>
    public sealed record Context(string PathBase, string Precision);

    /// <summary>One seed's score in a row.</summary>
    public sealed record SeedScore(int Seed, double F1, CellResult Run);

    /// <summary>
    /// One row: the finished seeds of a (setting, language, N, method). For cross-lingual rows the
    /// language is the test set's and <see cref="Source"/> the language the tagger was trained on.
    /// </summary>
    public sealed record Row(string Setting, string Language, string? Source, int N, string Method, ScoreSpread F1, IReadOnlyList<SeedScore> Seeds)
    {
        public IReadOnlyList<CellResult> Runs => [.. Seeds.Select(s => s.Run)];

        public double MeanAugmented => Seeds.Average(s => s.Run.AugmentedSentences);
    }

    /// <summary>Rows in the grid's order: settings, languages and sizes as given, methods as given.</summary>
    public static IReadOnlyList<Row> Rows(ExperimentSettings settings, IReadOnlyList<CellResult> results)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<Row>();
        var methods = settings.Methods.Select(AugmentationMethods.Name).ToArray();
        foreach (var language in settings.Languages)
        {
            foreach (var n in settings.Sizes)
            {
                foreach (var method in methods)
                {
                    var seeds = results.Where(r => r.Language == language && r.N == n && r.Method == method).OrderBy(r => r.Seed)
                        .Select(r => new SeedScore(r.Seed, r.F1, r)).ToArray();
                    if (seeds.Length > 0)
                        rows.Add(new Row(Monolingual, language, null, n, method, ScoreSpread.Of([.. seeds.Select(s => s.F1)]), seeds));
                }
            }
        }
        if (settings.CrossLingualSource is { } source)
        {
            foreach (var target in settings.TargetsOf(source))
            {
                foreach (var n in settings.Sizes)
                {
                    foreach (var method in methods)
                    {
                        var seeds = results.Where(r => r.Language == source && r.N == n && r.Method == method).OrderBy(r => r.Seed)
                            .SelectMany(r => (r.TestScores ?? []).Where(t => t.Language == target).Select(t => new SeedScore(r.Seed, t.F1, r))).ToArray();
                        if (seeds.Length > 0)
                            rows.Add(new Row(CrossLingual, target, source, n, method, ScoreSpread.Of([.. seeds.Select(s => s.F1)]), seeds));
                    }
                }
            }
        }
        if (settings.Multilingual is { } grid)
        {
            foreach (var language in grid.Languages)
            {
                foreach (var n in grid.Sizes)
                {
                    foreach (var method in grid.Methods.Select(MultilingualMethods.Name))
                    {
                        var seeds = results.Where(r => r.Language == MultilingualCell.Language && r.N == n && r.Method == method).OrderBy(r => r.Seed)
                            .SelectMany(r => (r.TestScores ?? []).Where(t => t.Language == language).Select(t => new SeedScore(r.Seed, t.F1, r))).ToArray();
                        if (seeds.Length > 0)
                            rows.Add(new Row(Multilingual, language, null, n, method, ScoreSpread.Of([.. seeds.Select(s => s.F1)]), seeds));
                    }
                }
            }
        }
        return rows;
    }

    /// <summary>The methods of a setting, in the grid's order.</summary>
    private static IEnumerable<string> MethodsOf(ExperimentSettings settings, string setting) => setting == Multilingual
        ? (settings.Multilingual?.Methods ?? []).Select(MultilingualMethods.Name)
        : settings.Methods.Select(AugmentationMethods.Name);

    /// <summary>The sizes of a setting, in the grid's order.</summary>
    private static IEnumerable<int> SizesOf(ExperimentSettings settings, string setting) =>
        setting == Multilingual ? settings.Multilingual?.Sizes ?? [] : settings.Sizes;

    /// <summary>Writes results.md, results.json and the plots into the experiment folder; returns the markdown file's path.</summary>
    public static string Write(ExperimentSettings settings, IReadOnlyList<CellResult> results, Context context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        var rows = Rows(settings, results);
        Directory.CreateDirectory(settings.Out);
        var plots = ExperimentPlots.Write(settings, rows);
        var markdown = Path.Combine(settings.Out, MarkdownFile);
        AtomicFile.Write(markdown, Encoding.UTF8.GetBytes(Markdown(settings, rows, results.Count, context, plots)));
        AtomicFile.Write(Path.Combine(settings.Out, JsonFile), Json(settings, rows, context));
        return markdown;
    }

    public static string Markdown(ExperimentSettings settings, IReadOnlyList<Row> rows, int finishedRuns, Context context, IReadOnlyList<string> plots)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        var total = settings.TotalRuns;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Test F1 (entity-level micro, x100) of the final tagger, mean ± standard deviation over seeds; {finishedRuns} of {total} runs finished. Model: `{Relative(context.PathBase, settings.Model)}`; precision: {context.Precision}."));
        foreach (var setting in new[] { Monolingual, CrossLingual, Multilingual })
        {
            var inSetting = rows.Where(r => r.Setting == setting).ToArray();
            if (inSetting.Length == 0)
                continue;
            text.AppendLine();
            text.AppendLine(setting switch
            {
                Monolingual => "## Monolingual (paper Table 1, left)",
                CrossLingual => $"## Zero-shot cross-lingual: taggers trained on {inSetting[0].Source}, scored on other languages' test sets (paper Table 1, right)",
                _ => "## Multilingual: one tagger trained on the gold samples of every language, scored on each language's test set (paper Table 2)",
            });
            var languages = inSetting.Select(r => r.Language).Distinct().ToArray();
            foreach (var n in SizesOf(settings, setting).Where(n => inSetting.Any(r => r.N == n)))
            {
                text.AppendLine();
                text.AppendLine(Invariant($"N = {n}:"));
                text.AppendLine();
                text.AppendLine($"| method | {string.Join(" | ", languages)} | average |");
                text.AppendLine($"|---|{string.Concat(languages.Select(_ => "---:|"))}---:|");
                foreach (var method in MethodsOf(settings, setting))
                {
                    var cells = languages.Select(l => inSetting.FirstOrDefault(r => r.N == n && r.Method == method && r.Language == l)).ToArray();
                    if (cells.All(c => c is null))
                        continue;
                    // The average over languages, only once every language has a score (a partial average would mislead).
                    var average = cells.All(c => c is not null) ? Invariant($"{cells.Average(c => c!.F1.Mean):F2}") : "";
                    text.AppendLine($"| {method} | {string.Join(" | ", cells.Select(c => c is null ? "" : Spread(c.F1)))} | {average} |");
                }
            }
        }

        text.AppendLine();
        text.AppendLine("## Every seed");
        text.AppendLine();
        text.AppendLine("| setting | language | N | method | seeds | test F1 | per seed | augmented sentences |");
        text.AppendLine("|---|---|---:|---|---:|---:|---|---:|");
        foreach (var row in rows)
        {
            var perSeed = string.Join(", ", row.Seeds.Select(s => Invariant($"{s.F1:F2}")));
            var language = Language(row);
            text.AppendLine(Invariant($"| {row.Setting} | {language} | {row.N} | {row.Method} | {row.F1.Count} | {Spread(row.F1)} | {perSeed} | {row.MeanAugmented:F0} |"));
        }

        // A multilingual cell's diagnostics are the union's: one row per cell, under the first language's rows.
        var diagnosed = rows.Where(r => r.Runs.Any(run => run.Diagnostics is not null)
            && (r.Setting == Monolingual || (r.Setting == Multilingual && r.Language == settings.Multilingual!.Languages[0]))).ToArray();
        if (diagnosed.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("## Why: what each augmentation made, kept and wrote");
            text.AppendLine();
            text.AppendLine("Means over seeds. *In train text*: share of the kept rewrites' new entity words (words no gold entity of the sample has) that occur anywhere in the language's train text, i.e. real words rather than invented strings. *MELM dev accuracy*: the fine-tuned model's top-1 accuracy on the dev sample's masked entity subwords at its best epoch.");
            text.AppendLine();
            text.AppendLine("*New entities*: distinct (mention, type) pairs of the kept rewrites that the gold sample lacks; *valid*: of those, the ones an oracle tagger trained on the language's full train split tags as intended (paper Figure 4; only when the grid has an `oracle`).");
            text.AppendLine();
            text.AppendLine("| language | N | method | rewrites made | kept | kept share | new entity words | in train text | MELM dev accuracy | new entities | valid |");
            text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in diagnosed)
            {
                var d = row.Runs.Select(r => r.Diagnostics).OfType<CellDiagnostics>().ToArray();
                var made = d.Average(x => x.RewritesMade);
                var kept = d.Average(x => x.Kept);
                var share = made > 0 ? Invariant($"{kept / made:P1}") : "";
                var inText = d.Select(x => x.InTrainTextShare).OfType<double>().ToArray();
                var accuracy = d.Select(x => x.MelmDevAccuracy).OfType<double>().ToArray();
                text.AppendLine(Invariant($"| {(row.Setting == Multilingual ? "all (multilingual)" : row.Language)} | {row.N} | {row.Method} | {made:F0} | {kept:F0} | {share} | {d.Average(x => x.NewEntityWords):F0} | {(inText.Length > 0 ? inText.Average().ToString("P1", CultureInfo.InvariantCulture) : "")} | {(accuracy.Length > 0 ? accuracy.Average().ToString("P1", CultureInfo.InvariantCulture) : "")} | {MeanOf(d.Select(x => x.NewEntities))} | {MeanOf(d.Select(x => x.ValidNewEntities))} |"));
            }
            text.AppendLine();
            text.AppendLine("Examples (first seed, first kept rewrites; entity mentions before → after):");
            text.AppendLine();
            foreach (var row in diagnosed)
            {
                foreach (var example in row.Runs.First(r => r.Diagnostics is not null).Diagnostics!.Examples)
                    text.AppendLine($"- {(row.Setting == Multilingual ? "multilingual" : row.Language)} N={row.N} {row.Method}, `{example.SourceId}`: {example.Before} → {example.After}");
            }
        }

        if (plots.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Plots");
            text.AppendLine();
            foreach (var plot in plots)
                text.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({Path.GetFileName(plot)})");
        }

        text.AppendLine();
        text.AppendLine("## Time");
        text.AppendLine();
        text.AppendLine("Seconds per part, mean over the runs of each N and method, all languages together (tagger training includes its dev evaluation per epoch):");
        text.AppendLine();
        text.AppendLine("| N | method | part | runs | mean s |");
        text.AppendLine("|---:|---|---|---:|---:|");
        foreach (var setting in new[] { Monolingual, Multilingual })
        {
            var runsOf = rows.Where(r => r.Setting == setting && (setting == Monolingual || r.Language == settings.Multilingual!.Languages[0])).ToArray();
            foreach (var (n, method, part, seconds) in Timings(runsOf))
                text.AppendLine(Invariant($"| {n} | {(setting == Multilingual ? "multilingual " : "")}{method} | {part} | {seconds.Count} | {seconds.Average():F0} |"));
        }
        return text.ToString();
    }

    /// <summary>The table and a bar chart of mean test F1, on the console.</summary>
    public static void Print(IAnsiConsole console, ExperimentSettings settings, IReadOnlyList<CellResult> results)
    {
        ArgumentNullException.ThrowIfNull(console);
        var rows = Rows(settings, results);
        var table = new Table().AddColumns("setting", "language", "N", "method", "seeds", "test F1", "per seed", "augmented");
        foreach (var row in rows)
        {
            table.AddRow(row.Setting, Language(row), Invariant($"{row.N}"), row.Method,
                Invariant($"{row.F1.Count}"), Spread(row.F1), string.Join(", ", row.Seeds.Select(s => Invariant($"{s.F1:F2}"))), Invariant($"{row.MeanAugmented:F0}"));
        }
        console.Write(table);
        var chart = new BarChart().Label("mean test F1").WithMaxValue(100);
        var colors = new[] { Color.Grey, Color.Yellow, Color.Green, Color.Blue, Color.Purple };
        foreach (var row in rows)
        {
            chart.AddItem($"{Language(row)} N={row.N} {row.Method}", Math.Round(row.F1.Mean, 2), colors[Math.Max(0, MethodsOf(settings, row.Setting).ToList().IndexOf(row.Method)) % colors.Length]);
        }
        console.Write(chart);
    }

    /// <summary>The mean of the counts that were made, "" when none was.</summary>
    private static string MeanOf(IEnumerable<int?> counts)
    {
        var made = counts.OfType<int>().ToArray();
        return made.Length > 0 ? Invariant($"{made.Average():F0}") : "";
    }

    /// <summary>"en", "en → de" (cross-lingual) or "multi → en" (the multilingual tagger on English).</summary>
    private static string Language(Row row) => row.Setting switch
    {
        CrossLingual => $"{row.Source} → {row.Language}",
        Multilingual => $"multi → {row.Language}",
        _ => row.Language,
    };

    /// <summary>A path as the report writes it: relative to the base folder, with forward slashes.</summary>
    public static string Relative(string pathBase, string path) => Path.GetRelativePath(pathBase, path).Replace('\\', '/');

    private static IEnumerable<(int N, string Method, string Part, IReadOnlyList<double> Seconds)> Timings(IReadOnlyList<Row> rows) =>
        rows.GroupBy(r => (r.N, r.Method)).OrderBy(group => group.Key.N).SelectMany(group =>
        {
            var runs = group.SelectMany(r => r.Runs).ToArray();
            var parts = runs.SelectMany(r => r.Seconds.Keys).Distinct(StringComparer.Ordinal);
            return parts.Select(part => (group.Key.N, group.Key.Method, part, (IReadOnlyList<double>)[.. runs.Where(r => r.Seconds.ContainsKey(part)).Select(r => r.Seconds[part])]));
        });

    private static byte[] Json(ExperimentSettings settings, IReadOnlyList<Row> rows, Context context)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("model", Relative(context.PathBase, settings.Model));
            json.WriteString("conll", Relative(context.PathBase, settings.ConllRoot));
            json.WriteString("precision", context.Precision);
            json.WriteNumber("rounds", settings.Rounds);
            var generation = settings.GenerationFor(0);
            json.WriteNumber("top_k", generation.TopK);
            json.WriteNumber("mu", generation.Mu);
            json.WriteString("sampling", generation.Sampling.ToString());
            json.WriteString("filter", FilterRules.Name(generation.Filter));
            json.WriteNumber("tagger_lr", settings.Tagger.LearningRate);
            json.WriteNumber("tagger_epochs", settings.Tagger.Epochs);
            json.WriteNumber("tagger_batch", settings.Tagger.BatchSize);
            json.WriteNumber("melm_lr", settings.FineTune.LearningRate);
            json.WriteNumber("melm_epochs", settings.FineTune.Epochs);
            json.WriteStartArray("rows");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("setting", row.Setting);
                json.WriteString("language", row.Language);
                if (row.Source is not null)
                    json.WriteString("source", row.Source);
                json.WriteNumber("n", row.N);
                json.WriteString("method", row.Method);
                json.WriteNumber("seeds", row.F1.Count);
                json.WriteNumber("f1_mean", row.F1.Mean);
                if (double.IsNaN(row.F1.StandardDeviation))
                    json.WriteNull("f1_sd");
                else
                    json.WriteNumber("f1_sd", row.F1.StandardDeviation);
                json.WriteStartArray("runs");
                foreach (var seed in row.Seeds)
                {
                    var run = seed.Run;
                    json.WriteStartObject();
                    json.WriteNumber("seed", seed.Seed);
                    json.WriteNumber("f1", seed.F1);
                    if (row.Setting == Monolingual)
                    {
                        json.WriteNumber("precision", run.Precision);
                        json.WriteNumber("recall", run.Recall);
                    }
                    else
                    {
                        var target = run.TestScores!.First(t => t.Language == row.Language);
                        json.WriteNumber("precision", target.Precision);
                        json.WriteNumber("recall", target.Recall);
                    }
                    json.WriteNumber("gold_sentences", run.GoldSentences);
                    json.WriteNumber("augmented_sentences", run.AugmentedSentences);
                    json.WriteNumber("best_epoch", run.BestEpoch);
                    json.WriteNumber("best_dev_f1", run.BestDevF1);
                    if (row.Setting != CrossLingual && run.Diagnostics is { } d)
                    {
                        json.WriteStartObject("diagnostics");
                        json.WriteNumber("rewrites_made", d.RewritesMade);
                        json.WriteNumber("kept", d.Kept);
                        json.WriteNumber("new_entity_words", d.NewEntityWords);
                        json.WriteNumber("new_entity_words_in_train_text", d.NewEntityWordsInTrainText);
                        if (d.NewEntities is { } fresh)
                            json.WriteNumber("new_entities", fresh);
                        if (d.ValidNewEntities is { } valid)
                            json.WriteNumber("valid_new_entities", valid);
                        if (d.MelmDevAccuracy is { } accuracy)
                            json.WriteNumber("melm_dev_accuracy", accuracy);
                        json.WriteStartArray("examples");
                        foreach (var example in d.Examples)
                        {
                            json.WriteStartObject();
                            json.WriteString("source_id", example.SourceId);
                            json.WriteString("before", example.Before);
                            json.WriteString("after", example.After);
                            json.WriteEndObject();
                        }
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }
                    if (row.Setting != CrossLingual)
                    {
                        json.WriteStartObject("seconds");
                        foreach (var (part, seconds) in run.Seconds)
                            json.WriteNumber(part, seconds);
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static string Spread(ScoreSpread spread) =>
        double.IsNaN(spread.StandardDeviation) ? Invariant($"{spread.Mean:F2}") : Invariant($"{spread.Mean:F2} ± {spread.StandardDeviation:F2}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
