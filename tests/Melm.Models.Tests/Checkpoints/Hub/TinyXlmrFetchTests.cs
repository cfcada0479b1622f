using System.Text.Json;
using Melm.Models.Checkpoints.Hub;

namespace Melm.Models.Tests.Checkpoints.Hub;

/// <summary>Fetching the tiny XLM-R fixture folders from a local hub, as a user would fetch a real model.</summary>
public sealed class TinyXlmrFetchTests : IDisposable
{
    private const string Name = "melm-fixtures/tiny-xlmr";
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private ModelFetchRequest Request(LocalHubServer server) =>
        new(Name, "main", temp.Combine("tiny"), server.Endpoint) { StallTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task AnInterruptedFetchResumesAndEndsWithTheFixtureByteForByte()
    {
        var fixture = SharedFiles.Require("fixtures/tiny-xlmr");
        await using var server = LocalHubServer.ForFolder(Name, fixture);
        server.CutNextDownload = ("model.safetensors", 1_000_000);

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));
        Assert.Contains("run the same command again to resume", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1_000_000, new FileInfo(temp.Combine("tiny", "model.safetensors" + ModelFetcher.PartialSuffix)).Length);

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Contains(server.Downloads("model.safetensors"), r => r.Range == "bytes=1000000-");
        Assert.Equal(["config.json", "model.safetensors", "sentencepiece.bpe.model"], result.Files.Select(f => f.Path));
        Assert.Equal(
            [FetchedFileOutcome.AlreadyPresent, FetchedFileOutcome.Resumed, FetchedFileOutcome.Downloaded],
            result.Files.Select(f => f.Outcome));
        foreach (var file in result.Files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(fixture, file.Path)), File.ReadAllBytes(temp.Combine("tiny", file.Path)));
        Assert.Equal(
            [".melm-fetch.json", "config.json", "model.safetensors", "sentencepiece.bpe.model"],
            Directory.EnumerateFileSystemEntries(temp.Combine("tiny")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheShardedFixtureComesWithBothShards()
    {
        var fixture = SharedFiles.Require("fixtures/tiny-xlmr");
        var files = Directory.EnumerateFiles(Path.Combine(fixture, "sharded"))
            .Append(Path.Combine(fixture, "sentencepiece.bpe.model"))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        await using var server = new LocalHubServer(Name, files);

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Equal(
            ["config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "sentencepiece.bpe.model"],
            result.Files.Select(f => f.Path));
        foreach (var (path, content) in files)
            Assert.Equal(content, File.ReadAllBytes(temp.Combine("tiny", path)));
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(result.ManifestPath));
        Assert.Equal(
            result.Files.Select(f => LocalHubServer.Sha256(files[f.Path])),
            manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("sha256").GetString()));
    }
}
