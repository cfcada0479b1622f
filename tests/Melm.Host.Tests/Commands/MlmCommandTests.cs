using System.Text.Json;
using System.Text.Json.Nodes;
using Melm.Models.Tests;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class MlmCommandTests
{
    private const string Fixture = "fixtures/tiny-xlmr";

    /// <summary>A writable copy of the tiny model folder (config, weights, tokenizer) to damage.</summary>
    private static string CopyFixture(TempFolder folder)
    {
        var source = SharedFiles.Require(Fixture);
        var copy = Path.Combine(folder.Path, "model");
        Directory.CreateDirectory(copy);
        foreach (var name in new[] { "config.json", "model.safetensors", "sentencepiece.bpe.model" })
        {
            File.Copy(Path.Combine(source, name), Path.Combine(copy, name));
            File.SetAttributes(Path.Combine(copy, name), FileAttributes.Normal);
        }
        return copy;
    }

    [Fact]
    public void ReproducesTheGoldenPredictions()
    {
        using var golden = JsonDocument.Parse(File.ReadAllBytes(SharedFiles.Require(Fixture + "/golden.json")));
        var sentences = golden.RootElement.GetProperty("sentences").EnumerateArray().ToList();
        using var folder = new TempFolder();
        var input = folder.Write("in.jsonl", string.Join("\n", sentences.Select(s => $"{{\"input_ids\": {s.GetProperty("masked_input_ids").GetRawText()}}}"))
            + "\n{\"words\": [\"<mask>\", \"Blackburn\"]}\n");
        var output = Path.Combine(folder.Path, "out.jsonl");

        var (code, _, error) = ConsoleCapture.Run("mlm", "--model", SharedFiles.Require(Fixture), "--input", input, "--out", output, "--threads", "1");

        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(sentences.Count + 1, lines.Count);
        var worst = 0.0;
        for (var s = 0; s < sentences.Count; s++)
        {
            Assert.Equal(s + 1, (int)lines[s]["line"]!);
            var masks = lines[s]["masks"]!.AsArray();
            var expected = sentences[s].GetProperty("mlm").EnumerateArray().ToList();
            Assert.Equal(expected.Count, masks.Count);
            foreach (var (want, got) in expected.Zip(masks))
            {
                Assert.Equal(want.GetProperty("position").GetInt32(), (int)got!["position"]!);
                var top = got["top"]!.AsArray();
                Assert.Equal(want.GetProperty("top10_ids").EnumerateArray().Select(e => e.GetInt32()), top.Select(t => (int)t!["id"]!));
                Assert.All(top, t => Assert.False(string.IsNullOrEmpty((string?)t!["piece"])));
                worst = Math.Max(worst, Math.Abs(want.GetProperty("logsumexp").GetDouble() - (double)got["logsumexp"]!));
                worst = Math.Max(worst, want.GetProperty("top10_logits").EnumerateArray().Zip(top, (e, t) => Math.Abs(e.GetDouble() - (double)t!["logit"]!)).Max());
            }
        }
        Assert.True(worst <= 1e-4, $"differs from golden by up to {worst}");
        // "Peter Blackburn" with Peter masked: the same input as golden sentence 2 without its second mask.
        var words = lines[^1]["masks"]!.AsArray();
        Assert.Single(words);
        Assert.Equal(1, (int)words[0]!["position"]!);
    }

    [Fact]
    public void WritesTheHiddenStateToStandardOutput()
    {
        using var folder = new TempFolder();
        var input = folder.Write("in.jsonl", "{\"words\": [\"Peter\", \"Blackburn\"]}\n");

        var (code, output, error) = ConsoleCapture.Run("mlm", "--model", SharedFiles.Require(Fixture), "--input", input, "--hidden", "--top-k", "3");

        Assert.True(code == 0, error);
        var line = JsonNode.Parse(output.Trim())!;
        Assert.Empty(line["masks"]!.AsArray());
        var hidden = line["hidden"]!.AsArray();
        Assert.Equal(6, hidden.Count);
        Assert.All(hidden, row => Assert.Equal(32, row!.AsArray().Count));
    }

    [Fact]
    public void ABadInputLineExitsWithTwoNamingFileAndLine()
    {
        using var folder = new TempFolder();
        var input = folder.Write("in.jsonl", "{\"words\": [\"<mask>\"]}\n{\"input_ids\": [0, 31998, 2]}\n");

        var (code, output, error) = ConsoleCapture.Run("mlm", "--model", SharedFiles.Require(Fixture), "--input", input);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"{input}:2: \"input_ids\"[1] = 31998 is outside the vocabulary", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> DamagedFolders() => new()
    {
        { "no config", "no config.json" },
        { "unknown model_type", "model_type 'bert' is not supported" },
        { "corrupt weights", "model.safetensors" },
        { "truncated weights", "model.safetensors" },
        { "small vocabulary", "the tokenizer does not belong to this model" },
    };

    [Theory]
    [MemberData(nameof(DamagedFolders))]
    public void ADamagedModelFolderExitsWithTwo(string damage, string message)
    {
        using var folder = new TempFolder();
        var model = CopyFixture(folder);
        var config = Path.Combine(model, "config.json");
        var weights = Path.Combine(model, "model.safetensors");
        switch (damage)
        {
            case "no config":
                File.Delete(config);
                break;
            case "unknown model_type":
                File.WriteAllText(config, File.ReadAllText(config).Replace("\"xlm-roberta\"", "\"bert\"", StringComparison.Ordinal));
                break;
            case "corrupt weights":
                File.WriteAllBytes(weights, [.. Enumerable.Repeat((byte)0xFF, 64)]);
                break;
            case "truncated weights":
                File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..(int)(new FileInfo(weights).Length / 2)]);
                break;
            case "small vocabulary":
                File.WriteAllText(config, File.ReadAllText(config).Replace("\"vocab_size\": 31998", "\"vocab_size\": 1000", StringComparison.Ordinal));
                break;
        }
        var input = folder.Write("in.jsonl", "{\"words\": [\"<mask>\"]}\n");

        var (code, output, error) = ConsoleCapture.Run("mlm", "--model", model, "--input", input);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
