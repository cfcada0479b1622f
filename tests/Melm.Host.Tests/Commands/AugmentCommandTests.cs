using System.Text.Json;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Nn;
using Melm.Models.Tests;
using Melm.Models.Text;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class AugmentCommandTests
{
    [Fact]
    public void AugmentsWritesTheSameBytesTwiceAndResumes()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = DemoFile(folder, "train", 8);
        var dev = DemoFile(folder, "dev", 4);
        string[] Args(string output) => ["augment", "--model", model, "--train", train, "--dev", dev, "--out", output,
            "--epochs", "1", "--batch-size", "4", "--lr", "1e-3", "--seed", "5", "--rounds", "2", "--filter", "none"];
        var first = Path.Combine(folder.Path, "a");
        var second = Path.Combine(folder.Path, "b");

        var (code, output, error) = ConsoleCapture.Run(Args(first));
        ConsoleCapture.Run(Args(second));
        var (resumedCode, resumedOutput, _) = ConsoleCapture.Run(Args(first));

        Assert.True(code == 0, error);
        Assert.Contains("fine-tuned 1 epochs; best epoch 1", output, StringComparison.Ordinal);
        Assert.Contains("rewrites made (melm)", output, StringComparison.Ordinal);
        Assert.Contains("consistency filter: none", output, StringComparison.Ordinal);
        Assert.Equal(0, resumedCode);
        Assert.Contains("(resumed after epoch 1)", resumedOutput, StringComparison.Ordinal);
        // The run is in the output folder's journal, its stages in order.
        var (_, runs, _) = ConsoleCapture.Run("runs", "--run-root", first, "--json");
        var run = JsonDocument.Parse(runs).RootElement.EnumerateArray().Single();
        Assert.Equal("completed", run.GetProperty("stage").GetString());
        Assert.Equal(["fine-tune", "generate", "write"], run.GetProperty("stages_done").EnumerateArray().Select(s => s.GetString()!).ToArray());

        // The one-node cluster writes what the direct loop (melm generate) writes from the same fine-tuned model.
        var direct = Path.Combine(folder.Path, "direct");
        var (generateCode, _, generateError) = ConsoleCapture.Run("generate", "--model", Path.Combine(first, "melm-model"), "--input", train, "--out", direct, "--seed", "5", "--rounds", "2");
        Assert.True(generateCode == 0, generateError);
        foreach (var name in new[] { "aug.conll", "aug.jsonl", "train+aug.conll", "summary.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, name)), File.ReadAllBytes(Path.Combine(second, name)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(direct, name)), File.ReadAllBytes(Path.Combine(first, name)));
        }

        var gold = ConllReader.Read(train).Sentences;
        var augmented = JsonLines.Read(Path.Combine(first, "aug.jsonl")).Sentences;
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(first, "summary.json")));
        var root = summary.RootElement;
        var withEntities = gold.Count(s => s.Entities().Count > 0);
        Assert.Equal(gold.Count, root.GetProperty("sentences_read").GetInt32());
        Assert.Equal(gold.Count - withEntities, root.GetProperty("without_entities").GetInt32());
        Assert.Equal(2 * withEntities, root.GetProperty("rewrites_made").GetInt32());
        var dropped = root.GetProperty("dropped").EnumerateObject().Sum(p => p.Value.GetInt32());
        Assert.Equal(2 * withEntities, augmented.Count + dropped);
        Assert.Equal(augmented.Count, root.GetProperty("kept").GetInt32());
        Assert.Equal(gold.Count + augmented.Count, ConllReader.Read(Path.Combine(first, "train+aug.conll")).Sentences.Count);
        Assert.All(augmented, s => Assert.Equal(gold.Single(g => g.Id == s.Provenance!.SourceId).Tags, s.Tags));
    }

    [Fact]
    public void TheNerFilterTrainsATaggerOnTheGoldDataAndAccountsForEveryRewrite()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = DemoFile(folder, "train", 8);
        var dev = DemoFile(folder, "dev", 4);
        var output = Path.Combine(folder.Path, "out");
        string[] args = ["augment", "--model", model, "--train", train, "--dev", dev, "--out", output,
            "--epochs", "1", "--batch-size", "4", "--seed", "5", "--rounds", "2", "--tagger-epochs", "1"];

        var (code, first, error) = ConsoleCapture.Run(args);
        var (rerunCode, rerun, _) = ConsoleCapture.Run(args);

        Assert.True(code == 0, error);
        Assert.Contains("filter tagger: epoch 1 of 1 kept", first, StringComparison.Ordinal);
        Assert.Contains("consistency filter: ner", first, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, Melm.Host.Commands.AugmentCommand.TaggerSubfolder, "melm-tagger.json")));
        Assert.Equal(0, rerunCode);
        Assert.Contains("filter tagger: reusing", rerun, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json")));
        var root = summary.RootElement;
        var dropped = root.GetProperty("dropped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(root.GetProperty("rewrites_made").GetInt32(), root.GetProperty("kept").GetInt32() + dropped.Values.Sum());
        Assert.True(dropped.ContainsKey("filter"), string.Join(", ", dropped.Keys));
    }

    [Fact]
    public void TheNerFilterWithoutATaggerNeedsADevSetToTrainOne()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");

        var (code, _, error) = ConsoleCapture.Run("augment", "--model", TinyModels.PretrainedFolder(folder), "--train", DemoFile(folder, "train", 4), "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("--filter ner trains its tagger on the gold data and picks its epoch on --dev", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void BadInputIsRefusedWithAMessage()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var empty = folder.Write("empty.txt", "");
        var odd = folder.Write("odd.txt", "Acme\tB-PRODUCT\nrocks\tO\n");
        var output = Path.Combine(folder.Path, "out");

        var (emptyCode, _, emptyError) = ConsoleCapture.Run("augment", "--model", model, "--train", empty, "--out", output);
        var (notTunedCode, _, notTunedError) = ConsoleCapture.Run("generate", "--model", model, "--input", odd, "--out", output);
        var (nothingCode, _, nothingError) = ConsoleCapture.Run("finetune", "--model", model, "--train", odd, "--out", output, "--method", "mlm-entity");
        var (methodCode, _, methodError) = ConsoleCapture.Run("generate", "--model", model, "--input", odd, "--out", output, "--method", "gold");
        var (taggerCode, _, taggerError) = ConsoleCapture.Run("augment", "--model", model, "--train", odd, "--out", output, "--tagger", folder.Path);

        Assert.Equal(2, emptyCode);
        Assert.Contains($"{empty}: no sentences", emptyError, StringComparison.Ordinal);
        Assert.Equal(2, notTunedCode);
        Assert.Contains("not a fine-tuned MELM folder", notTunedError, StringComparison.Ordinal);
        Assert.Equal(2, nothingCode);
        Assert.Contains("there is nothing to fine-tune", nothingError, StringComparison.Ordinal);
        Assert.Equal(2, methodCode);
        Assert.Contains("unknown method 'gold'", methodError, StringComparison.Ordinal);
        Assert.Equal(2, taggerCode);
        Assert.Contains($"{folder.Path}: not a tagger folder (no melm-tagger.json)", taggerError, StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateRefusesTagsTheFineTunedModelHasNoMarkerFor()
    {
        using var folder = new TempFolder();
        var tuned = Path.Combine(folder.Path, "tuned");
        var odd = folder.Write("odd.txt", "Acme\tB-PRODUCT\nrocks\tO\n");
        var (tuneCode, _, tuneError) = ConsoleCapture.Run("finetune", "--model", TinyModels.PretrainedFolder(folder), "--train", DemoFile(folder, "train", 4), "--out", tuned, "--epochs", "1");
        Assert.True(tuneCode == 0, tuneError);

        var (code, _, error) = ConsoleCapture.Run("generate", "--model", tuned, "--input", odd, "--out", Path.Combine(folder.Path, "out"));

        Assert.Equal(2, code);
        Assert.Contains($"{odd}:1: sentence odd:0: tag B-PRODUCT is not in the model's marker set", error, StringComparison.Ordinal);
    }

    private static string DemoFile(TempFolder folder, string split, int count)
    {
        var sentences = ConllReader.Read(SharedFiles.Repository($"samples/demo/en/{split}.txt")).Sentences.Take(count).ToArray();
        var path = Path.Combine(folder.Path, $"{split}.txt");
        ConllWriter.WriteSentences(sentences, path);
        return path;
    }
}
