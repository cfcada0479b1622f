using System.Text.Json;
using Melm.Host.Experiments;
using Melm.Models.Tests;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class ExperimentCommandTests
{
    [Fact]
    public void RunsTheGridWritesATableAndResumesWithoutRecomputing()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var output = Path.Combine(folder.Path, "exp");
        string[] args = ["experiment", "--conll", SharedFiles.Repository("samples/demo"), "--model", model, "--out", output,
            "--languages", "en", "--n", "6", "--seeds", "4", "--methods", "gold-only,label-wise,melm",
            "--tagger-epochs", "1", "--tagger-lr", "1e-3", "--melm-epochs", "1", "--melm-lr", "1e-3", "--rounds", "2"];

        var (code, first, error) = ConsoleCapture.Run(args);
        Assert.True(code == 0, error);
        var results = File.ReadAllBytes(Path.Combine(output, ExperimentReport.JsonFile));
        using (var json = JsonDocument.Parse(results))
        {
            var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Equal(["gold-only", "label-wise", "melm"], rows.Select(r => r.GetProperty("method").GetString()));
            Assert.All(rows, r => Assert.InRange(r.GetProperty("f1_mean").GetDouble(), 0, 100));
            var runs = rows.Select(r => r.GetProperty("runs")[0]).ToArray();
            Assert.All(runs, r => Assert.Equal(6, r.GetProperty("gold_sentences").GetInt32()));
            Assert.Equal(0, runs[0].GetProperty("augmented_sentences").GetInt32());
            Assert.True(runs[1].GetProperty("augmented_sentences").GetInt32() > 0);
            Assert.True(runs[2].GetProperty("seconds").TryGetProperty("fine-tune", out _));
        }
        Assert.Contains("run 3/3: en N=6 seed 4 melm", first, StringComparison.Ordinal);
        Assert.Contains("| monolingual | en | 6 | label-wise | 1 |", File.ReadAllText(Path.Combine(output, ExperimentReport.MarkdownFile)), StringComparison.Ordinal);

        // A rerun finds every result and runs nothing; a lost result reruns only its method, to the same score.
        var (againCode, again, _) = ConsoleCapture.Run(args);
        Assert.Equal(0, againCode);
        Assert.DoesNotContain("run 1/3", again, StringComparison.Ordinal);
        Assert.Equal(results, File.ReadAllBytes(Path.Combine(output, ExperimentReport.JsonFile)));
        var melmResult = Path.Combine(output, "en-n6-seed4", "melm", CellResult.FileName);
        var before = File.ReadAllText(melmResult);
        File.Delete(melmResult);
        var (resumedCode, resumed, _) = ConsoleCapture.Run(args);
        Assert.Equal(0, resumedCode);
        Assert.Contains("run 3/3", resumed, StringComparison.Ordinal);
        Assert.DoesNotContain("run 2/3", resumed, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(melmResult));
    }

    [Fact]
    public void TheNamesCeilingSubstitutesMentionsOfTheWholeTrainSplitThatTheSampleLacks()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var output = Path.Combine(folder.Path, "exp");
        var (code, _, error) = ConsoleCapture.Run("experiment", "--conll", SharedFiles.Repository("samples/demo"), "--model", model, "--out", output,
            "--languages", "en", "--n", "6", "--seeds", "4", "--methods", "label-wise,names-ceiling", "--tagger-epochs", "1", "--rounds", "2");
        Assert.True(code == 0, error);

        static HashSet<string> Mentions(string file) =>
            [.. Melm.Models.Data.CorpusFile.Read(file).Sentences.SelectMany(s => s.Entities().Select(m => m.Type + ":" + string.Join(" ", s.Tokens.Skip(m.Start).Take(m.Length))))];
        var sample = Mentions(Path.Combine(output, "en-n6-seed4", "sample", "train.txt"));
        var labelwise = Mentions(Path.Combine(output, "en-n6-seed4", "label-wise", "aug.jsonl"));
        var ceiling = Mentions(Path.Combine(output, "en-n6-seed4", "names-ceiling", "aug.jsonl"));
        var split = Mentions(SharedFiles.Repository("samples/demo/en/train.txt"));
        // Label-wise only moves the sample's own mentions; the ceiling brings in the split's others.
        Assert.Subset(sample, labelwise);
        Assert.NotEmpty(ceiling.Except(sample));
        Assert.Subset(split, ceiling);
    }

    [Fact]
    public void BadGridsAreRefusedWithEveryProblemNamed()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var output = Path.Combine(folder.Path, "exp");

        var (code, _, error) = ConsoleCapture.Run("experiment", "--conll", SharedFiles.Repository("samples/demo"), "--model", model, "--out", output,
            "--languages", "en,xx", "--n", "0,100", "--seeds", "1,1", "--methods", "melm,daga");

        Assert.Equal(2, code);
        Assert.Contains("--n: '0' is not a valid value", error, StringComparison.Ordinal);
        Assert.Contains("--seeds: '1' is given twice", error, StringComparison.Ordinal);
        Assert.Contains("--methods: 'daga' is not a valid value", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("xx", "train.txt") + ": no such file", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
