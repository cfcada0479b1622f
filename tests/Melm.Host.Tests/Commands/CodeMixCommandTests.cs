using System.Text.Json;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class CodeMixCommandTests
{
    private static (string En, string Es) TrainingFiles(TempFolder folder) =>
    (
        folder.Write("en.txt", "Peter B-PER\nflew O\nto O\nParis B-LOC\n\nAcme B-ORG\nsays O\n\nnothing O\n"),
        folder.Write("es.jsonl",
            "{\"id\":\"es1\",\"lang\":\"es\",\"tokens\":[\"Pedro\",\"vive\",\"en\",\"París\"],\"ner_tags\":[\"B-PER\",\"O\",\"O\",\"B-LOC\"]}\n"
            + "{\"id\":\"es2\",\"tokens\":[\"Juan\",\"y\",\"Nueva\",\"York\"],\"ner_tags\":[\"B-PER\",\"O\",\"B-LOC\",\"I-LOC\"]}\n")
    );

    [Fact]
    public void MixesWithAlignedVectorsAndWritesTheOutputFolder()
    {
        using var folder = new TempFolder();
        var (en, es) = TrainingFiles(folder);
        var enVec = folder.Write("en.vec", "3 2\npeter 0 1\nparis 1 0\nacme 1 1\n");
        var esVec = folder.Write("es.vec", "4 2\npedro 0.1 1\njuan 1 0.1\nparís 1 0.1\nnueva 0 1\n");
        var output = Path.Combine(folder.Path, "out");

        var (code, stdout, stderr) = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={es}",
            "--vectors", $"en={enVec}", "--vectors", $"es={esVec}", "--seed", "5", "--out", output);

        Assert.True(code == 0, stderr);
        Assert.Contains("3 code-mixed sentences from 5 training sentences", stdout, StringComparison.Ordinal);
        Assert.Contains("note: no other language has ORG mentions, so 1 en ORG mentions were kept as they were", stdout, StringComparison.Ordinal);
        var conll = File.ReadAllText(Path.Combine(output, "aug.conll"));
        Assert.StartsWith("Pedro\tB-PER\nflew\tO\nto\tO\nParís\tB-LOC\n\n", conll, StringComparison.Ordinal);
        Assert.Contains("Peter\tB-PER\nvive\tO\nen\tO\nParis\tB-LOC\n", conll, StringComparison.Ordinal);
        Assert.Contains("Peter\tB-PER\ny\tO\nParis\tB-LOC\n", conll, StringComparison.Ordinal);
        var ids = File.ReadAllLines(Path.Combine(output, "aug.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
        Assert.Equal(["en:0/code-mix/r1", "es1/code-mix/r1", "es2/code-mix/r1"], ids);
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json")));
        var root = summary.RootElement;
        var augmentation = root.GetProperty("augmentation");
        Assert.Contains("aligned word vectors", augmentation.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, augmentation.GetProperty("sentences_read").GetInt32());
        Assert.Equal(1, augmentation.GetProperty("without_entities").GetInt32());
        Assert.Equal(1, augmentation.GetProperty("dropped").GetProperty("identical_to_source").GetInt32());
        Assert.Equal(3, augmentation.GetProperty("kept").GetInt32());
        var enOrg = root.GetProperty("pairs").EnumerateArray().Single(p => p.GetProperty("source_lang").GetString() == "en" && p.GetProperty("type").GetString() == "ORG");
        Assert.Equal(JsonValueKind.Null, enOrg.GetProperty("target_lang").ValueKind);
        Assert.Equal(1, enOrg.GetProperty("kept").GetInt32());
        var esLoc = root.GetProperty("pairs").EnumerateArray().Single(p => p.GetProperty("source_lang").GetString() == "es" && p.GetProperty("type").GetString() == "LOC");
        Assert.Equal(2, esLoc.GetProperty("substituted").GetInt32());
    }

    [Fact]
    public void AMalformedVectorLineExitsWithTwoNamingFileAndLine()
    {
        using var folder = new TempFolder();
        var (en, es) = TrainingFiles(folder);
        var enVec = folder.Write("en.vec", "2 2\npeter 0 1\nparis 1\n");
        var esVec = folder.Write("es.vec", "1 2\npedro 0.1 one\n");

        var (code, _, stderr) = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={es}",
            "--vectors", $"en={enVec}", "--vectors", $"es={esVec}", "--seed", "5", "--out", Path.Combine(folder.Path, "out"));

        Assert.Equal(2, code);
        Assert.Contains($"error: {enVec}:3: \"paris\" has 1 values, the header says 2", stderr, StringComparison.Ordinal);
        Assert.Contains($"error: {esVec}:2: value 2 of \"pedro\" is \"one\", not a finite number", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
    }

    [Fact]
    public void MissingVectorsOneLanguageOrNoChoiceOfVectorsAreBadInput()
    {
        using var folder = new TempFolder();
        var (en, es) = TrainingFiles(folder);
        var enVec = folder.Write("en.vec", "1 2\npeter 0 1\n");
        var output = Path.Combine(folder.Path, "out");

        var missing = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={es}", "--vectors", $"en={enVec}", "--seed", "1", "--out", output);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no vectors for \"es\"", missing.Error, StringComparison.Ordinal);

        var single = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--random", "--seed", "1", "--out", output);
        Assert.Equal(2, single.ExitCode);
        Assert.Contains("at least two languages", single.Error, StringComparison.Ordinal);

        var none = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={es}", "--seed", "1", "--out", output);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--model DIR for the encoder fallback, or --random", none.Error, StringComparison.Ordinal);

        var empty = folder.Write("empty.txt", "");
        var emptyTrain = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={empty}", "--random", "--seed", "1", "--out", output);
        Assert.Equal(2, emptyTrain.ExitCode);
        Assert.Contains(empty, emptyTrain.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void RandomModeIsReproducible()
    {
        using var folder = new TempFolder();
        var (en, es) = TrainingFiles(folder);
        var first = Path.Combine(folder.Path, "a");
        var second = Path.Combine(folder.Path, "b");
        Assert.Equal(0, ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={es}", "--random", "--rounds", "3", "--seed", "8", "--out", first).ExitCode);
        Assert.Equal(0, ConsoleCapture.Run("codemix", "--train", $"es={es}", "--train", $"en={en}", "--random", "--rounds", "3", "--seed", "8", "--out", second).ExitCode);
        Assert.Equal(File.ReadAllLines(Path.Combine(first, "aug.jsonl")).Order(), File.ReadAllLines(Path.Combine(second, "aug.jsonl")).Order());
    }
}
