using System.Text.Json;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class SampleCommandTests
{
    [Fact]
    public void WritesTrainDevAndManifestTheSameWayTwice()
    {
        using var folder = new TempFolder();
        var train = folder.Write("train.full", string.Concat(Enumerable.Range(0, 20).Select(i => $"t{i}\tO\n\n")));
        var dev = folder.Write("dev.full", string.Concat(Enumerable.Range(0, 8).Select(i => $"d{i}\tB-LOC\n\n")));
        var first = Path.Combine(folder.Path, "a");
        var second = Path.Combine(folder.Path, "b");

        var (code, output, _) = ConsoleCapture.Run("sample", "--train", train, "--dev", dev, "--n", "5", "--seed", "3", "--out", first);
        ConsoleCapture.Run("sample", "--train", train, "--dev", dev, "--n", "5", "--seed", "3", "--out", second);

        Assert.Equal(0, code);
        Assert.Contains("sampled 5 of 20 train and 5 of 8 dev sentences (seed 3)", output, StringComparison.Ordinal);
        foreach (var name in new[] { "train.txt", "dev.txt", "manifest.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, name)), File.ReadAllBytes(Path.Combine(second, name)));
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(first, "manifest.json")));
        var indices = manifest.RootElement.GetProperty("train").GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.Equal(string.Concat(indices.Select(i => $"t{i}\tO\n\n")), File.ReadAllText(Path.Combine(first, "train.txt")));
    }

    [Fact]
    public void TooLargeASampleExitsWithTwo()
    {
        using var folder = new TempFolder();
        var train = folder.Write("train.txt", "a O\n\nb O\n");

        var (code, _, error) = ConsoleCapture.Run("sample", "--train", train, "--dev", train, "--n", "3", "--seed", "1", "--out", Path.Combine(folder.Path, "out"));

        Assert.Equal(2, code);
        Assert.Contains($"error: {train}: asked for 3 sentences but the file has only 2", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
    }
}
