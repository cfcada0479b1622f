using Melm.Host.Experiments;
using Melm.Models.Augmentation;
using Melm.Models.Ner;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Commands;

public sealed class ExperimentReportTests
{
    private static readonly ExperimentSettings Settings = new(
        "conll", "model", ["en", "es"], [100], [1, 2], [AugmentationMethod.GoldOnly, AugmentationMethod.Melm],
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
        var markdown = ExperimentReport.Markdown(Settings, rows, results.Length, new ExperimentReport.Context("/", "fp32"), []);
        Assert.Contains("5 of 8 runs finished", markdown, StringComparison.Ordinal);
        Assert.Contains("| monolingual | en | 100 | melm | 2 | 60.00 ± 14.14 | 50.00, 70.00 | 10 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| monolingual | es | 100 | melm | 1 | 40.00 | 40.00 | 10 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 100 | melm | train tagger | 3 | 30 |", markdown, StringComparison.Ordinal);
        // Table 1's layout: a column per language and their average, only where every language has a score.
        Assert.Contains("| method | en | es | average |", markdown, StringComparison.Ordinal);
        Assert.Contains("| melm | 60.00 ± 14.14 | 40.00 | 50.00 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| gold-only | 55.00 ± 7.07 |  |  |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossLingualRowsComeFromTheSourceTaggersScoresOnEachTarget()
    {
        var settings = Settings with { Languages = ["en"], CrossLingualSource = "en", CrossLingualTargets = ["de", "es"] };
        CellResult[] results =
        [
            Result("en", "melm", 1, 50) with { TestScores = [new("de", 3000, 30, 30, 30), new("es", 1500, 40, 40, 40)] },
            Result("en", "melm", 2, 70) with { TestScores = [new("de", 3000, 34, 34, 34), new("es", 1500, 44, 44, 44)] },
        ];

        var rows = ExperimentReport.Rows(settings, results);

        Assert.Equal([("monolingual", "en", 60.0), ("cross-lingual", "de", 32.0), ("cross-lingual", "es", 42.0)],
            rows.Select(r => (r.Setting, r.Language, r.F1.Mean)));
        Assert.All(rows.Skip(1), r => Assert.Equal("en", r.Source));
        var markdown = ExperimentReport.Markdown(settings, rows, results.Length, new ExperimentReport.Context("/", "fp32"), []);
        Assert.Contains("taggers trained on en", markdown, StringComparison.Ordinal);
        Assert.Contains("| melm | 32.00 ± 2.83 | 42.00 ± 2.83 | 37.00 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| cross-lingual | en → de | 100 | melm | 2 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void PathsAreWrittenRelativeToTheBaseFolder() =>
        Assert.Equal("../models/small", ExperimentReport.Relative(Path.Combine(Path.GetTempPath(), "grids"), Path.Combine(Path.GetTempPath(), "models", "small")));

    private static CellResult Result(string language, string method, int seed, double f1) =>
        new(language, 100, seed, method, 100, 10, 3000, f1, f1, f1, 3, f1, new Dictionary<string, double> { ["train tagger"] = 30 });
}
