using System.Text.Json;
using Melm.Host.Experiments;
using Melm.Host.Tests.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Tests;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Experiments;

[Collection(ConsoleCapture.Collection)]
public sealed class GridFileTests
{
    private static string Grid(TempFolder folder, string json, string name = "grid.json")
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>A small grid over the demo sample; the model and the folders are named relative to the grid file.</summary>
    private static string SmallGrid(string conll, string extra = "",
        string settings = """ "monolingual": { "languages": ["en"], "n": [6], "methods": ["gold-only", "label-wise", "melm"] }""") => $$"""
        {
          "conll": {{JsonSerializer.Serialize(conll)}},
          "model": "pretrained",
          "out": "exp",
          "seeds": [4],
          "tagger": { "lr": 1e-3, "epochs": 1 },
          "melm": { "lr": 1e-3, "epochs": 1 },
          "generation": { "rounds": 2 },
          {{settings}}{{extra}}
        }
        """;

    [Fact]
    public void AGridRunsMonolingualAndCrossLingualRowsWithPlotsAndRelativePathsAndResumes()
    {
        using var folder = new TempFolder();
        TinyModels.PretrainedFolder(folder);
        var grid = Grid(folder, SmallGrid(SharedFiles.Repository("samples/demo"),
            """, "cross_lingual": { "source": "en", "targets": ["es", "de"] }, "oracle": { "epochs": 1, "lr": 1e-3 }"""));

        var (code, first, error) = ConsoleCapture.Run("experiment", "--grid", grid);

        Assert.True(code == 0, error);
        var output = Path.Combine(folder.Path, "exp");
        var results = File.ReadAllBytes(Path.Combine(output, ExperimentReport.JsonFile));
        using (var json = JsonDocument.Parse(results))
        {
            Assert.Equal("pretrained", json.RootElement.GetProperty("model").GetString());
            Assert.DoesNotContain(folder.Path, json.RootElement.GetRawText(), StringComparison.Ordinal);
            var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Equal(
                [("monolingual", "en"), ("monolingual", "en"), ("monolingual", "en"), ("cross-lingual", "es"), ("cross-lingual", "es"), ("cross-lingual", "es"),
                 ("cross-lingual", "de"), ("cross-lingual", "de"), ("cross-lingual", "de")],
                rows.Select(r => (r.GetProperty("setting").GetString(), r.GetProperty("language").GetString())));
            Assert.All(rows.Skip(3), r => Assert.Equal("en", r.GetProperty("source").GetString()));
            var melmRun = rows[2].GetProperty("runs")[0];
            var melm = melmRun.GetProperty("diagnostics");
            // Two rounds over the six gold sentences that have entities, of which the filter kept what the tagger trained on.
            Assert.InRange(melm.GetProperty("rewrites_made").GetInt32(), 2, 12);
            Assert.Equal(melmRun.GetProperty("augmented_sentences").GetInt32(), melm.GetProperty("kept").GetInt32());
            Assert.InRange(melm.GetProperty("melm_dev_accuracy").GetDouble(), 0, 1);
            Assert.False(rows[0].GetProperty("runs")[0].TryGetProperty("diagnostics", out _));
            // Figure 4's count, judged by the oracle trained once on the language's whole train split.
            foreach (var run in new[] { rows[1].GetProperty("runs")[0], melmRun })
            {
                var d = run.GetProperty("diagnostics");
                Assert.InRange(d.GetProperty("valid_new_entities").GetInt32(), 0, d.GetProperty("new_entities").GetInt32());
            }
            Assert.True(File.Exists(Path.Combine(output, "oracle", "en", "tagger", "melm-tagger.json")));
        }
        foreach (var plot in new[] { "f1-vs-n-en.png", "f1-vs-n-en-to-es.png", "f1-vs-n-en-to-de.png", "valid-entities-en-n6.png" })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(output, plot))[..4]);
        var markdown = File.ReadAllText(Path.Combine(output, ExperimentReport.MarkdownFile));
        Assert.Contains("| method | es | de | average |", markdown, StringComparison.Ordinal);
        Assert.Contains("run 3/3: en N=6 seed 4 melm", first, StringComparison.Ordinal);

        // The same command again runs nothing and writes the same results.
        var (againCode, again, _) = ConsoleCapture.Run("experiment", "--grid", grid);
        Assert.Equal(0, againCode);
        Assert.DoesNotContain("run 1/3", again, StringComparison.Ordinal);
        Assert.Equal(results, File.ReadAllBytes(Path.Combine(output, ExperimentReport.JsonFile)));
    }

    [Fact]
    public void TheMultilingualSettingTrainsOneTaggerOnEveryLanguageAndScoresItOnEach()
    {
        using var folder = new TempFolder();
        TinyModels.PretrainedFolder(folder);
        var grid = Grid(folder, SmallGrid(SharedFiles.Repository("samples/demo"),
            settings: """ "multilingual": { "languages": ["en", "es"], "n": [6], "methods": ["gold-only", "melm-gold", "code-mix-random", "code-mix-ess", "melm"] }"""));

        var (code, output, error) = ConsoleCapture.Run("experiment", "--grid", grid);

        Assert.True(code == 0, error);
        Assert.Contains("run 5/5: multilingual N=6 seed 4 melm", output, StringComparison.Ordinal);
        var cell = Path.Combine(folder.Path, "exp", "multi-n6-seed4");
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder.Path, "exp", ExperimentReport.JsonFile)));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(10, rows.Length);
        Assert.All(rows, r => Assert.Equal("multilingual", r.GetProperty("setting").GetString()));
        Assert.Equal(["en", "es"], rows.Select(r => r.GetProperty("language").GetString()).Distinct());
        // One gold union of 2 x 6 sentences; the code-mix methods add one code-mixed sentence per gold one with entities,
        // and MELM with code-mix adds its kept rewrites to those same code-mixed sentences.
        var runs = rows.Take(5).Select(r => r.GetProperty("runs")[0]).ToArray();
        Assert.All(runs, r => Assert.Equal(12, r.GetProperty("gold_sentences").GetInt32()));
        Assert.Equal(0, runs[0].GetProperty("augmented_sentences").GetInt32());
        var mixed = runs[3].GetProperty("augmented_sentences").GetInt32();
        Assert.True(mixed > 0);
        Assert.Equal(mixed, runs[2].GetProperty("augmented_sentences").GetInt32());
        Assert.True(runs[4].GetProperty("augmented_sentences").GetInt32() >= mixed);
        foreach (var language in new[] { "en", "es" })
            Assert.True(File.Exists(Path.Combine(cell, "sample", language, "manifest.json")));
        Assert.True(File.Exists(Path.Combine(cell, "codemix-ess", "substitutions.jsonl")));
        Assert.True(File.Exists(Path.Combine(folder.Path, "exp", "f1-vs-n-multi-es.png")));
        Assert.Contains("| method | en | es | average |", File.ReadAllText(Path.Combine(folder.Path, "exp", ExperimentReport.MarkdownFile)), StringComparison.Ordinal);

        // A rerun finds every result.
        var (againCode, again, _) = ConsoleCapture.Run("experiment", "--grid", grid);
        Assert.Equal(0, againCode);
        Assert.DoesNotContain("run 1/5", again, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadGridIsRefusedBeforeAnythingRunsWithTheFileAndEveryFieldNamed()
    {
        using var folder = new TempFolder();
        TinyModels.PretrainedFolder(folder);
        var grid = Grid(folder, $$"""
            {
              "conll": {{JsonSerializer.Serialize(SharedFiles.Repository("samples/demo"))}},
              "model": "pretrained",
              "out": "exp",
              "seeds": [1, 1],
              "tagger": { "lr": -1 },
              "generation": { "sampling": "greedy" },
              "monolingual": { "languages": ["en", "xx"], "n": [100], "methods": ["melm", "daga"] },
              "multilingual": { "languages": ["en"], "n": [100], "methods": ["melm", "code-mix-nearest"] },
              "settings": []
            }
            """);

        var (code, _, error) = ConsoleCapture.Run("experiment", "--grid", grid);

        Assert.Equal(2, code);
        Assert.Contains($"{grid}: seeds: 1 is given twice", error, StringComparison.Ordinal);
        Assert.Contains("tagger.lr: must be positive", error, StringComparison.Ordinal);
        Assert.Contains("generation.sampling: 'greedy' is not known", error, StringComparison.Ordinal);
        Assert.Contains("monolingual.methods: unknown method 'daga'", error, StringComparison.Ordinal);
        Assert.Contains("multilingual.languages: needs at least two languages", error, StringComparison.Ordinal);
        Assert.Contains("multilingual.methods: unknown method 'code-mix-nearest'", error, StringComparison.Ordinal);
        Assert.Contains("settings: unknown field", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "exp")));

        // With the fields right, the data is checked: a language without a folder and N beyond the splits.
        var dataGrid = Grid(folder, SmallGrid(SharedFiles.Repository("samples/demo")).Replace("\"en\"]", "\"en\", \"xx\"]", StringComparison.Ordinal).Replace("[6]", "[100]", StringComparison.Ordinal), "data.json");
        var (dataCode, _, dataError) = ConsoleCapture.Run("experiment", "--grid", dataGrid);
        Assert.Equal(2, dataCode);
        Assert.Contains($"{dataGrid}: monolingual.languages: no folder 'xx'", dataError, StringComparison.Ordinal);
        Assert.Contains("monolingual.n: N=100 is larger than", dataError, StringComparison.Ordinal);
        Assert.Contains("(60 sentences)", dataError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "exp")));
    }

    [Fact]
    public void MissingTestFilesBrokenJsonAndGridFieldsOnTheCommandLineAreRefused()
    {
        using var folder = new TempFolder();
        TinyModels.PretrainedFolder(folder);
        var conll = Path.Combine(folder.Path, "conll");
        Directory.CreateDirectory(Path.Combine(conll, "en"));
        foreach (var split in new[] { "train", "dev" })
            File.Copy(SharedFiles.Repository($"samples/demo/en/{split}.txt"), Path.Combine(conll, "en", $"{split}.txt"));
        var grid = Grid(folder, SmallGrid(conll, """, "cross_lingual": { "source": "en", "targets": ["es"] }"""));

        var (code, _, error) = ConsoleCapture.Run("experiment", "--grid", grid);
        Assert.Equal(2, code);
        Assert.Contains("monolingual.languages: 'en' has no test file", error, StringComparison.Ordinal);
        Assert.Contains("cross_lingual.targets: 'es' has no test file", error, StringComparison.Ordinal);

        var broken = Grid(folder, "{\n  \"seeds\": [1,\n}", "broken.json");
        var (brokenCode, _, brokenError) = ConsoleCapture.Run("experiment", "--grid", broken);
        Assert.Equal(2, brokenCode);
        Assert.Contains($"{broken}:3: not valid JSON", brokenError, StringComparison.Ordinal);

        var (mixedCode, _, mixedError) = ConsoleCapture.Run("experiment", "--grid", grid, "--n", "100");
        Assert.Equal(2, mixedCode);
        Assert.Contains("--n: set in the grid file", mixedError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "exp")));
    }

    [Theory]
    [InlineData("cpu.json", new[] { 100, 200 }, new[] { 100 }, 1e-3)]
    [InlineData("paper.json", new[] { 100, 200, 400, 800 }, new[] { 100, 200, 400, 800 }, 2e-5)]
    public void TheCommittedGridFilesDescribeThePapersTablesOneAndTwo(string name, int[] sizes, int[] multilingualSizes, double taggerLr)
    {
        var grid = SharedFiles.Repository(Path.Combine("benchmarks", "grids", name));

        var settings = GridFile.Parse(grid);

        Assert.Equal(["en", "de", "es", "nl"], settings.Languages);
        Assert.Equal(sizes, settings.Sizes);
        Assert.Equal([1, 2, 3], settings.Seeds);
        Assert.Equal(["gold-only", "label-wise", "mlm-entity", "melm-no-markers", "melm"], settings.Methods.Select(AugmentationMethods.Name));
        Assert.Equal("en", settings.CrossLingualSource);
        Assert.Equal(["de", "es", "nl"], settings.CrossLingualTargets);
        Assert.Equal(taggerLr, settings.Tagger.LearningRate);
        Assert.Equal(3, settings.Rounds);
        Assert.NotNull(settings.Oracle);
        Assert.Equal(["en", "de", "es", "nl"], settings.Multilingual!.Languages);
        Assert.Equal(multilingualSizes, settings.Multilingual.Sizes);
        Assert.Equal(["gold-only", "melm-gold", "code-mix-random", "code-mix-ess", "melm"], settings.Multilingual.Methods.Select(MultilingualMethods.Name));
        // Paths are relative to the grid file: the data is the repository's sibling shared/ folder.
        Assert.Equal(Path.GetFullPath(SharedFiles.Repository(Path.Combine("..", "shared", "data", "conll"))), settings.ConllRoot);
    }
}
