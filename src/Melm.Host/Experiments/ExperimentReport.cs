using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Evaluation;
using Spectre.Console;

namespace Melm.Host.Experiments;

/// <summary>
/// The grid's results per (language, N, method): test F1 as mean and standard deviation over the
/// seeds finished so far, and the time each part took; results.md, results.json and a console table.
/// </summary>
public static class ExperimentReport
{
    public const string MarkdownFile = "results.md";
    public const string JsonFile = "results.json";

    /// <summary>One row of the table: the finished seeds of a (language, N, method).</summary>
    public sealed record Row(string Language, int N, string Method, ScoreSpread F1, IReadOnlyList<CellResult> Runs)
    {
        public double MeanAugmented => Runs.Average(r => r.AugmentedSentences);
    }

    /// <summary>Rows in the grid's order: languages and sizes as given, methods as given.</summary>
    public static IReadOnlyList<Row> Rows(ExperimentSettings settings, IReadOnlyList<CellResult> results)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rows = new List<Row>();
        foreach (var language in settings.Languages)
        {
            foreach (var n in settings.Sizes)
            {
                foreach (var method in settings.Methods.Select(ExperimentMethods.Name))
                {
                    var runs = results.Where(r => r.Language == language && r.N == n && r.Method == method).OrderBy(r => r.Seed).ToArray();
                    if (runs.Length > 0)
                        rows.Add(new Row(language, n, method, ScoreSpread.Of([.. runs.Select(r => r.F1)]), runs));
                }
            }
        }
        return rows;
    }

    /// <summary>Writes results.md and results.json into the experiment folder; returns the markdown file's path.</summary>
    public static string Write(ExperimentSettings settings, IReadOnlyList<CellResult> results)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rows = Rows(settings, results);
        var markdown = Path.Combine(settings.Out, MarkdownFile);
        Directory.CreateDirectory(settings.Out);
        AtomicFile.Write(markdown, Encoding.UTF8.GetBytes(Markdown(settings, rows, results.Count)));
        AtomicFile.Write(Path.Combine(settings.Out, JsonFile), Json(settings, rows));
        return markdown;
    }

    public static string Markdown(ExperimentSettings settings, IReadOnlyList<Row> rows, int finishedRuns)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var total = settings.Cells().Count() * settings.Methods.Count;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Test F1 (entity-level micro, x100) of the final tagger, mean ± standard deviation over seeds; {finishedRuns} of {total} runs finished."));
        text.AppendLine();
        text.AppendLine("| language | N | method | seeds | test F1 | per seed | augmented sentences |");
        text.AppendLine("|---|---:|---|---:|---:|---|---:|");
        foreach (var row in rows)
        {
            var perSeed = string.Join(", ", row.Runs.Select(r => Invariant($"{r.F1:F2}")));
            text.AppendLine(Invariant($"| {row.Language} | {row.N} | {row.Method} | {row.F1.Count} | {Spread(row.F1)} | {perSeed} | {row.MeanAugmented:F0} |"));
        }
        text.AppendLine();
        text.AppendLine("Seconds per part, mean over the runs of each N and method, both languages together (tagger training includes its dev evaluation per epoch):");
        text.AppendLine();
        text.AppendLine("| N | method | part | runs | mean s |");
        text.AppendLine("|---:|---|---|---:|---:|");
        foreach (var (n, method, part, seconds) in Timings(rows))
            text.AppendLine(Invariant($"| {n} | {method} | {part} | {seconds.Count} | {seconds.Average():F0} |"));
        return text.ToString();
    }

    /// <summary>The table and a bar chart of mean test F1, on the console.</summary>
    public static void Print(IAnsiConsole console, ExperimentSettings settings, IReadOnlyList<CellResult> results)
    {
        ArgumentNullException.ThrowIfNull(console);
        var rows = Rows(settings, results);
        var table = new Table().AddColumns("language", "N", "method", "seeds", "test F1", "per seed", "augmented");
        foreach (var row in rows)
        {
            table.AddRow(row.Language, Invariant($"{row.N}"), row.Method, Invariant($"{row.F1.Count}"), Spread(row.F1),
                string.Join(", ", row.Runs.Select(r => Invariant($"{r.F1:F2}"))), Invariant($"{row.MeanAugmented:F0}"));
        }
        console.Write(table);
        var chart = new BarChart().Label("mean test F1").WithMaxValue(100);
        var colors = new[] { Color.Grey, Color.Yellow, Color.Green, Color.Blue, Color.Purple };
        foreach (var row in rows)
            chart.AddItem($"{row.Language} N={row.N} {row.Method}", Math.Round(row.F1.Mean, 2), colors[settings.Methods.Select(ExperimentMethods.Name).ToList().IndexOf(row.Method) % colors.Length]);
        console.Write(chart);
    }

    private static IEnumerable<(int N, string Method, string Part, IReadOnlyList<double> Seconds)> Timings(IReadOnlyList<Row> rows) =>
        rows.GroupBy(r => (r.N, r.Method)).OrderBy(group => group.Key.N).SelectMany(group =>
        {
            var runs = group.SelectMany(r => r.Runs).ToArray();
            var parts = runs.SelectMany(r => r.Seconds.Keys).Distinct(StringComparer.Ordinal);
            return parts.Select(part => (group.Key.N, group.Key.Method, part, (IReadOnlyList<double>)[.. runs.Where(r => r.Seconds.ContainsKey(part)).Select(r => r.Seconds[part])]));
        });

    private static byte[] Json(ExperimentSettings settings, IReadOnlyList<Row> rows)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("model", settings.Model);
            json.WriteString("conll", settings.ConllRoot);
            json.WriteNumber("rounds", settings.Rounds);
            json.WriteNumber("tagger_lr", settings.Tagger.LearningRate);
            json.WriteNumber("tagger_epochs", settings.Tagger.Epochs);
            json.WriteNumber("tagger_batch", settings.Tagger.BatchSize);
            json.WriteNumber("melm_lr", settings.FineTune.LearningRate);
            json.WriteNumber("melm_epochs", settings.FineTune.Epochs);
            json.WriteStartArray("rows");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("language", row.Language);
                json.WriteNumber("n", row.N);
                json.WriteString("method", row.Method);
                json.WriteNumber("seeds", row.F1.Count);
                json.WriteNumber("f1_mean", row.F1.Mean);
                if (double.IsNaN(row.F1.StandardDeviation))
                    json.WriteNull("f1_sd");
                else
                    json.WriteNumber("f1_sd", row.F1.StandardDeviation);
                json.WriteStartArray("runs");
                foreach (var run in row.Runs)
                {
                    json.WriteStartObject();
                    json.WriteNumber("seed", run.Seed);
                    json.WriteNumber("f1", run.F1);
                    json.WriteNumber("precision", run.Precision);
                    json.WriteNumber("recall", run.Recall);
                    json.WriteNumber("gold_sentences", run.GoldSentences);
                    json.WriteNumber("augmented_sentences", run.AugmentedSentences);
                    json.WriteNumber("best_epoch", run.BestEpoch);
                    json.WriteNumber("best_dev_f1", run.BestDevF1);
                    json.WriteStartObject("seconds");
                    foreach (var (part, seconds) in run.Seconds)
                        json.WriteNumber(part, seconds);
                    json.WriteEndObject();
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
