using System.Globalization;
using Melm.Models.Augmentation;
using ScottPlot;
using Melm.Models.Runs;

namespace Melm.Host.Experiments;

/// <summary>
/// The grid's plots (ScottPlot, PNG): per setting and language, mean test F1 against the gold sample
/// size N, a line per method with the seeds' standard deviation as error bars (paper Figure 3's kind).
/// </summary>
public static class ExperimentPlots
{
    /// <summary>Writes one PNG per (setting, language) into the experiment folder; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ExperimentSettings settings, IReadOnlyList<ExperimentReport.Row> rows)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rows);
        var written = new List<string>();
        foreach (var group in rows.GroupBy(r => (r.Setting, r.Language, r.Source)))
        {
            var plot = new Plot();
            var palette = new ScottPlot.Palettes.Category10();
            var methods = (group.Key.Setting == ExperimentReport.Multilingual
                ? (settings.Multilingual?.Methods ?? []).Select(MultilingualMethods.Name)
                : settings.Methods.Select(AugmentationMethods.Name)).ToArray();
            for (var m = 0; m < methods.Length; m++)
            {
                var points = group.Where(r => r.Method == methods[m]).OrderBy(r => r.N).ToArray();
                if (points.Length == 0)
                    continue;
                double[] xs = [.. points.Select(p => (double)p.N)];
                double[] ys = [.. points.Select(p => p.F1.Mean)];
                double[] errors = [.. points.Select(p => double.IsNaN(p.F1.StandardDeviation) ? 0 : p.F1.StandardDeviation)];
                var color = palette.GetColor(m);
                var line = plot.Add.Scatter(xs, ys, color);
                line.LegendText = methods[m];
                line.MarkerSize = 7;
                var bars = plot.Add.ErrorBar(xs, ys, errors);
                bars.Color = color;
            }
            var title = group.Key.Setting switch
            {
                ExperimentReport.CrossLingual => $"{group.Key.Source} → {group.Key.Language} (zero-shot): test F1 against N",
                ExperimentReport.Multilingual => $"multilingual → {group.Key.Language}: test F1 against N per language",
                _ => $"{group.Key.Language}: test F1 against N",
            };
            plot.Title(title);
            plot.XLabel("gold sentences N");
            plot.YLabel("test F1 (mean ± sd over seeds)");
            var sizes = group.Select(r => r.N).Distinct().Order().ToArray();
            plot.Axes.Bottom.SetTicks([.. sizes.Select(n => (double)n)], [.. sizes.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
            plot.Axes.Margins(0.15, 0.15);
            plot.ShowLegend(Alignment.LowerRight);
            var name = group.Key.Setting switch
            {
                ExperimentReport.CrossLingual => $"f1-vs-n-{group.Key.Source}-to-{group.Key.Language}.png",
                ExperimentReport.Multilingual => $"f1-vs-n-multi-{group.Key.Language}.png",
                _ => $"f1-vs-n-{group.Key.Language}.png",
            };
            var path = Path.Combine(settings.Out, name);
            var partial = path + ".partial";
            plot.SavePng(partial, 720, 450);
            File.Move(partial, path, true);
            written.Add(path);
        }
        written.AddRange(ValidEntities(settings, rows));
        return written;
    }

    /// <summary>
    /// Paper Figure 4: per language and N, the mean number of distinct valid new entities (the oracle
    /// tagger tags them as intended) each method's kept rewrites hold, one bar per method.
    /// </summary>
    private static IEnumerable<string> ValidEntities(ExperimentSettings settings, IReadOnlyList<ExperimentReport.Row> rows)
    {
        var measured = rows.Where(r => r.Setting == ExperimentReport.Monolingual
            && r.Runs.Any(run => run.Diagnostics?.ValidNewEntities is not null)).ToArray();
        foreach (var group in measured.GroupBy(r => (r.Language, r.N)))
        {
            var plot = new Plot();
            var palette = new ScottPlot.Palettes.Category10();
            var bars = group.Select((row, i) => new Bar
            {
                Position = i,
                Value = row.Runs.Select(run => run.Diagnostics?.ValidNewEntities).OfType<int>().Average(),
                FillColor = palette.GetColor(i),
                Label = row.Runs.Select(run => run.Diagnostics?.ValidNewEntities).OfType<int>().Average().ToString("F0", CultureInfo.InvariantCulture),
            }).ToList();
            var bar = plot.Add.Bars(bars);
            bar.ValueLabelStyle.FontSize = 12;
            plot.Axes.Bottom.SetTicks([.. bars.Select(b => b.Position)], [.. group.Select(r => r.Method)]);
            plot.Axes.SetLimitsY(0, Math.Max(1, bars.Max(b => b.Value) * 1.2));
            plot.Title($"{group.Key.Language} N={group.Key.N}: unique valid new entities (oracle-tagged as intended)");
            plot.YLabel("entities (mean over seeds)");
            var path = Path.Combine(settings.Out, string.Create(CultureInfo.InvariantCulture, $"valid-entities-{group.Key.Language}-n{group.Key.N}.png"));
            var partial = path + ".partial";
            plot.SavePng(partial, 720, 450);
            File.Move(partial, path, true);
            yield return path;
        }
    }
}
