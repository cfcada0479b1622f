using System.Text.Json;
using Melm.Benchmarks;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class AugmentReportTests
{
    /// <summary>A --conll folder whose en/train.txt and en/dev.txt are demo sentences (the report's data layout, small).</summary>
    private static string ConllFolder(TempFolder folder)
    {
        var en = Directory.CreateDirectory(folder.Combine("conll", "en")).FullName;
        foreach (var split in new[] { "train", "dev" })
            ConllWriter.WriteSentences(ConllReader.Read(SharedFiles.Repository($"samples/demo/en/{split}.txt")).Sentences.Take(20), Path.Combine(en, $"{split}.txt"));
        return folder.Combine("conll");
    }

    [Fact]
    public void TheReportComparesLabelwiseAndMelmOnTheTinyFixtureAndARerunReusesEveryPart()
    {
        var fixture = SharedFiles.Require("fixtures/tiny-xlmr");
        using var folder = new TempFolder();
        var output = folder.Combine("report");
        var options = new AugmentReportOptions(fixture, ConllFolder(folder), output, N: 8, Seed: 3, Rounds: 2, Epochs: 1, TaggerEpochs: 1);

        var (code, first, error) = ConsoleCapture.Run(() => AugmentReport.Run(options));
        var markdown = File.ReadAllText(Path.Combine(output, AugmentReport.MarkdownFile));
        var (rerunCode, rerun, _) = ConsoleCapture.Run(() => AugmentReport.Run(options));

        Assert.True(code == 0, error);
        Assert.Contains("filter tagger: epoch 1 of 1 kept", first, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, AugmentReport.JsonFile)));
        var methods = report.RootElement.GetProperty("methods").EnumerateArray().ToArray();
        Assert.Equal(["label-wise", "melm"], methods.Select(m => m.GetProperty("method").GetString()));
        foreach (var method in methods)
        {
            var name = method.GetProperty("method").GetString()!;
            var summary = AugmentationOutput.ReadSummary(Path.Combine(output, name))!;
            Assert.Equal("ner", summary.Filter);
            Assert.Equal(summary.RewritesMade, method.GetProperty("rewrites_made").GetInt32());
            Assert.Equal(summary.RewritesMade, method.GetProperty("kept").GetInt32() + method.GetProperty("dropped").EnumerateObject().Sum(p => p.Value.GetInt32()));
            Assert.Equal(summary.Kept, method.GetProperty("kept").GetInt32());
        }
        var summaries = methods.Select(m => AugmentationOutput.ReadSummary(Path.Combine(output, m.GetProperty("method").GetString()!))!).ToArray();
        Assert.Contains("| | label-wise | melm |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| rewrites made | {summaries[0].RewritesMade} | {summaries[1].RewritesMade} |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| kept | {summaries[0].Kept} | {summaries[1].Kept} |", markdown, StringComparison.Ordinal);
        Assert.All(methods[0].GetProperty("new_unique").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt32()));

        Assert.Equal(0, rerunCode);
        foreach (var part in new[] { "sample: reusing", "filter tagger: reusing", "label-wise: reusing", "melm: reusing" })
            Assert.Contains(part, rerun, StringComparison.Ordinal);
        Assert.DoesNotContain("fine-tune epoch", rerun, StringComparison.Ordinal);
        Assert.Equal(markdown, File.ReadAllText(Path.Combine(output, AugmentReport.MarkdownFile)));
    }

    [Fact]
    public void AbsentDataOrAnUnfinishedModelIsAClearMessage()
    {
        using var folder = new TempFolder();
        var model = Directory.CreateDirectory(folder.Combine("model")).FullName;
        File.WriteAllText(Path.Combine(model, "config.json"), "{}");
        File.WriteAllText(Path.Combine(model, "pretrain-report.json"), "{\"steps\": 250, \"total_steps\": 2000, \"finished\": false}");
        var options = new AugmentReportOptions(model, folder.Combine("no-conll"), folder.Combine("out"));

        var error = Assert.Throws<InputException>(() => AugmentReport.Run(options));

        Assert.Contains(Path.Combine(folder.Path, "no-conll", "en", "train.txt") + ": absent: the report needs CoNLL-2003 English", error.Message, StringComparison.Ordinal);
        Assert.Contains("pretraining is at step 250 of 2000", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Combine("out")));
        var usage = Assert.Throws<InputException>(() => AugmentReportOptions.Parse(["--model", model]));
        Assert.Contains("--model, --conll and --out are required", usage.Message, StringComparison.Ordinal);
    }
}
