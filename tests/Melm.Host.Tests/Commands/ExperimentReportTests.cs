using Melm.Host.Experiments;
using Melm.Models.Augmentation;
using Melm.Models.Ner;

namespace Melm.Host.Tests.Commands;

public sealed class ExperimentReportTests
{
    private static readonly ExperimentSettings Settings = new(
        "conll", "model", ["en", "es"], [100], [1, 2], [ExperimentMethod.GoldOnly, ExperimentMethod.Melm],
        new NerTrainingOptions { Seed = 0 }, new FineTuneOptions(), 3, "out");

    [Fact]
    public void RowsFollowTheGridAndSummariseTheFinishedSeeds()
    {
        CellResult[] results =
        [
            Result("es", "melm", 1, 40), Result("en", "melm", 2, 70), Result("en", "gold-only", 1, 50),
            Result("en", "melm", 1, 50), Result("en", "gold-only", 2, 60),
        ];

        var rows = ExperimentReport.Rows(Settings, results);

        Assert.Equal([("en", "gold-only"), ("en", "melm"), ("es", "melm")], rows.Select(r => (r.Language, r.Method)));
        Assert.Equal(60.0, rows[1].F1.Mean, 9);
        Assert.Equal(Math.Sqrt(200), rows[1].F1.StandardDeviation, 9);
        Assert.Equal([1, 2], rows[1].Runs.Select(r => r.Seed));
        var markdown = ExperimentReport.Markdown(Settings, rows, results.Length);
        Assert.Contains("5 of 8 runs finished", markdown, StringComparison.Ordinal);
        Assert.Contains("| en | 100 | melm | 2 | 60.00 ± 14.14 | 50.00, 70.00 | 10 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| es | 100 | melm | 1 | 40.00 | 40.00 | 10 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 100 | melm | train tagger | 3 | 30 |", markdown, StringComparison.Ordinal);
    }

    private static CellResult Result(string language, string method, int seed, double f1) =>
        new(language, 100, seed, method, 100, 10, 3000, f1, f1, f1, 3, f1, new Dictionary<string, double> { ["train tagger"] = 30 });
}
