using System.Net;
using System.Text;
using System.Text.Json;
using Melm.Models.Checkpoints.Hub;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Checkpoints.Hub;

/// <summary>The downloader against a local hub serving small synthetic files (no shared material needed).</summary>
public sealed class ModelFetcherTests : IDisposable
{
    private const string Name = "melm/tiny";
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    internal static Dictionary<string, byte[]> SyntheticRepository()
    {
        var random = new Random(20220522);
        byte[] Bytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["config.json"] = """{"model_type": "xlm-roberta", "hidden_size": 32}"""u8.ToArray(),
            ["model.safetensors"] = Bytes(300_000),
            ["sentencepiece.bpe.model"] = Bytes(20_000),
            ["tokenizer_config.json"] = """{"model_max_length": 512}"""u8.ToArray(),
            ["README.md"] = "# tiny\n"u8.ToArray(),
            ["pytorch_model.bin"] = Bytes(1_000),
            ["onnx/model.onnx"] = Bytes(500),
        };
    }

    private ModelFetchRequest Request(LocalHubServer server, string name = Name, string revision = "main", string? token = null, string[]? files = null) =>
        new(name, revision, temp.Combine("model"), server.Endpoint, token, files) { StallTimeout = TimeSpan.FromSeconds(5) };

    private string Local(string path) => temp.Combine(["model", .. path.Split('/')]);

    [Fact]
    public async Task FetchesWhatMelmNeedsAndNothingElse()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository);
        var progress = new RecordingProgress();

        var result = await ModelFetcher.FetchAsync(Request(server), progress, TestContext.Current.CancellationToken);

        string[] expected = ["config.json", "model.safetensors", "sentencepiece.bpe.model", "tokenizer_config.json"];
        Assert.Equal(expected, result.Files.Select(f => f.Path));
        Assert.All(result.Files, f => Assert.Equal(FetchedFileOutcome.Downloaded, f.Outcome));
        foreach (var file in expected)
            Assert.Equal(repository[file], File.ReadAllBytes(Local(file)));
        foreach (var file in new[] { "README.md", "pytorch_model.bin", "onnx/model.onnx" })
            Assert.False(File.Exists(Local(file)), file);
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*" + ModelFetcher.PartialSuffix, SearchOption.AllDirectories));
        Assert.Equal(LocalHubServer.CommitSha, result.Revision.Commit);
        Assert.All(expected, f => Assert.Contains(server.Requests, r => r.Path == $"/{Name}/resolve/{LocalHubServer.CommitSha}/{f}"));
        Assert.Contains(server.Requests, r => r.Path == "/cdn/" + LocalHubServer.Sha256(repository["model.safetensors"]));

        var reports = progress.Reports.Where(r => r.File == "model.safetensors").ToList();
        Assert.Equal(FetchFileState.Started, reports[0].State);
        Assert.Equal(FetchFileState.Completed, reports[^1].State);
        Assert.Equal(300_000, reports.Where(r => r.State == FetchFileState.Receiving).Max(r => r.BytesDone));
        Assert.All(reports, r => Assert.Equal(300_000, r.TotalBytes));
    }

    [Fact]
    public async Task WritesAManifestWithCommitSizesAndSha256()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository);

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(result.OutputDirectory, FetchManifest.FileName), result.ManifestPath);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(result.ManifestPath));
        var root = manifest.RootElement;
        Assert.Equal(Name, root.GetProperty("name").GetString());
        Assert.Equal("main", root.GetProperty("revision").GetString());
        Assert.Equal(LocalHubServer.CommitSha, root.GetProperty("commit").GetString());
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(4, files.Count);
        foreach (var file in files)
        {
            var content = repository[file.GetProperty("path").GetString()!];
            Assert.Equal(content.Length, file.GetProperty("size").GetInt64());
            Assert.Equal(LocalHubServer.Sha256(content), file.GetProperty("sha256").GetString());
        }
    }

    [Fact]
    public async Task ACompleteFolderIsVerifiedAndNotDownloadedAgain()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());
        await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);
        var before = server.Requests.Count;
        var progress = new RecordingProgress();

        var again = await ModelFetcher.FetchAsync(Request(server), progress, TestContext.Current.CancellationToken);

        Assert.All(again.Files, f => Assert.Equal(FetchedFileOutcome.AlreadyPresent, f.Outcome));
        var later = server.Requests.Skip(before).ToList();
        Assert.Single(later);
        Assert.StartsWith($"/api/models/{Name}/revision/main", later[0].Path, StringComparison.Ordinal);
        Assert.Equal(4, progress.Reports.Count(r => r.State == FetchFileState.Skipped));
    }

    [Fact]
    public async Task ACutConnectionKeepsThePartialFileAndTheNextFetchResumesWithARange()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository) { CutNextDownload = ("model.safetensors", 100_000) };

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Contains("model.safetensors", failure.Message, StringComparison.Ordinal);
        Assert.Contains("stopped after 100000 of 300000 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", failure.Message, StringComparison.Ordinal);
        Assert.Equal(100_000, new FileInfo(Local("model.safetensors") + ModelFetcher.PartialSuffix).Length);
        Assert.False(File.Exists(Local("model.safetensors")));

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Contains(server.Downloads("model.safetensors"), r => r.Range == "bytes=100000-");
        Assert.Equal(FetchedFileOutcome.Resumed, result.Files.Single(f => f.Path == "model.safetensors").Outcome);
        Assert.Equal(repository["model.safetensors"], File.ReadAllBytes(Local("model.safetensors")));
        Assert.False(File.Exists(Local("model.safetensors") + ModelFetcher.PartialSuffix));
    }

    [Fact]
    public async Task ASilentConnectionTimesOutAndKeepsThePartialFile()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository) { StallNextDownload = ("model.safetensors", 70_000) };
        var request = Request(server) with { StallTimeout = TimeSpan.FromSeconds(1) };

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(request, null, TestContext.Current.CancellationToken));

        Assert.Contains("stopped after 70000 of 300000 bytes (no data for 1 s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(70_000, new FileInfo(Local("model.safetensors") + ModelFetcher.PartialSuffix).Length);
        await ModelFetcher.FetchAsync(request, null, TestContext.Current.CancellationToken);
        Assert.Equal(repository["model.safetensors"], File.ReadAllBytes(Local("model.safetensors")));
    }

    [Fact]
    public async Task AnOutputFolderThatCannotBeCreatedIsBadInput()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());
        File.WriteAllText(temp.Combine("model"), "a file where the folder should be");

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Contains($"{temp.Combine("model")}: cannot create the output folder", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileThatCannotBeWrittenIsAFetchFailureNamingIt()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());
        var partial = Local("model.safetensors") + ModelFetcher.PartialSuffix;
        Directory.CreateDirectory(partial);

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.StartsWith($"cannot write {partial} (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("check free space and permissions", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatIgnoresRangeMakesTheDownloadStartOver()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository) { CutNextDownload = ("model.safetensors", 100_000) };
        await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));
        server.IgnoreRange = true;

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Contains(server.Downloads("model.safetensors"), r => r.Range == "bytes=100000-");
        Assert.Equal(FetchedFileOutcome.Downloaded, result.Files.Single(f => f.Path == "model.safetensors").Outcome);
        Assert.Equal(repository["model.safetensors"], File.ReadAllBytes(Local("model.safetensors")));
    }

    [Fact]
    public async Task APartialFileLongerThanTheFileIsDiscarded()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository);
        Directory.CreateDirectory(temp.Combine("model"));
        File.WriteAllBytes(Local("model.safetensors") + ModelFetcher.PartialSuffix, new byte[300_010]);

        await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.All(server.Downloads("model.safetensors"), r => Assert.Null(r.Range));
        Assert.Equal(repository["model.safetensors"], File.ReadAllBytes(Local("model.safetensors")));
    }

    [Fact]
    public async Task AWrongSha256FailsNamingTheFileAndBothHashesAndLeavesNoFile()
    {
        var repository = SyntheticRepository();
        var advertised = new string('0', 64);
        await using var server = new LocalHubServer(Name, repository);
        server.AdvertisedSha256["model.safetensors"] = advertised;

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Contains("model.safetensors", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"sha256 expected {advertised}, actual {LocalHubServer.Sha256(repository["model.safetensors"])}", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Local("model.safetensors")));
        Assert.False(File.Exists(Local("model.safetensors") + ModelFetcher.PartialSuffix));
        Assert.False(File.Exists(Local(FetchManifest.FileName)));
    }

    [Fact]
    public async Task AWrongGitBlobIdFailsForAPlainGitFile()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository);
        server.AdvertisedBlobId["config.json"] = new string('f', 40);

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Contains($"config.json does not match what the hub lists: git blob id expected {new string('f', 40)}, actual {LocalHubServer.GitBlobId(repository["config.json"])}", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Local("config.json")));
        Assert.False(File.Exists(Local("config.json") + ModelFetcher.PartialSuffix));
    }

    [Fact]
    public async Task AChangedFileInTheFolderIsDownloadedAgain()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository);
        await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);
        File.WriteAllText(Local("config.json"), """{"model_type": "bert", "hidden_size": 64}""");

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Equal(FetchedFileOutcome.Downloaded, result.Files.Single(f => f.Path == "config.json").Outcome);
        Assert.Equal(FetchedFileOutcome.AlreadyPresent, result.Files.Single(f => f.Path == "model.safetensors").Outcome);
        Assert.Equal(repository["config.json"], File.ReadAllBytes(Local("config.json")));
    }

    [Fact]
    public async Task AnUnknownModelIsBadInput()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server, name: "melm/nope"), null, TestContext.Current.CancellationToken));

        Assert.Contains("melm/nope: no such model", failure.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("model")));
    }

    [Fact]
    public async Task AnUnknownRevisionIsBadInput()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server, revision: "v9"), null, TestContext.Current.CancellationToken));

        Assert.Contains("no revision 'v9'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A401SaysToSetHfToken()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository()) { RequiredToken = "secret" };

        var missing = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));
        var wrong = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server, token: "guess"), null, TestContext.Current.CancellationToken));

        Assert.Contains("(401)", missing.Message, StringComparison.Ordinal);
        Assert.Contains("set HF_TOKEN", missing.Message, StringComparison.Ordinal);
        Assert.Contains("refused the token in HF_TOKEN", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A403ForAGatedModelSaysToAcceptItsTermsAndSetHfToken()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository()) { ForcedStatus = (HttpStatusCode.Forbidden, "GatedRepo") };

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Contains("(403)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenGoesToTheHubButNotToTheHostItRedirectsTo()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository) { RequiredToken = "secret", CdnHost = "localhost" };

        await ModelFetcher.FetchAsync(Request(server, token: "secret"), null, TestContext.Current.CancellationToken);

        var hub = server.Requests.Where(r => !r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        var cdn = server.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(cdn);
        Assert.All(hub, r => Assert.Equal("Bearer secret", r.Authorization));
        Assert.All(cdn, r => Assert.Null(r.Authorization));
        Assert.Equal(repository["sentencepiece.bpe.model"], File.ReadAllBytes(Local("sentencepiece.bpe.model")));
    }

    [Fact]
    public async Task AServerErrorIsAFetchFailure()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository()) { ForcedStatus = (HttpStatusCode.InternalServerError, null) };

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Contains("answered 500", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableHubIsAFetchFailure()
    {
        var server = new LocalHubServer(Name, SyntheticRepository());
        var request = Request(server);
        await server.DisposeAsync();

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(request, null, TestContext.Current.CancellationToken));

        Assert.Contains($"cannot reach {server.Endpoint.GetLeftPart(UriPartial.Authority)}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilePatternsReplaceTheDefaultChoice()
    {
        var repository = SyntheticRepository();
        await using var server = new LocalHubServer(Name, repository);

        var result = await ModelFetcher.FetchAsync(Request(server, files: ["*.json", "onnx/*"]), null, TestContext.Current.CancellationToken);

        Assert.Equal(["config.json", "onnx/model.onnx", "tokenizer_config.json"], result.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(repository["onnx/model.onnx"], File.ReadAllBytes(Local("onnx/model.onnx")));
        Assert.False(File.Exists(Local("model.safetensors")));
    }

    [Fact]
    public async Task APatternThatMatchesNothingIsBadInput()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server, files: ["*.json", "*.gguf"]), null, TestContext.Current.CancellationToken));

        Assert.Equal("--files: '*.gguf' matches no file of melm/tiny at revision main", failure.Message);
    }

    [Fact]
    public async Task AnEmptyPatternIsBadInput()
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server, files: ["*.json", " "]), null, TestContext.Current.CancellationToken));

        Assert.Equal("--files: an empty pattern; give globs such as *.json", failure.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ARepositoryWithoutWhatMelmNeedsIsRefusedWithEveryMissingFileNamed()
    {
        var repository = SyntheticRepository();
        repository.Remove("model.safetensors");
        repository.Remove("pytorch_model.bin");
        repository.Remove("sentencepiece.bpe.model");
        await using var server = new LocalHubServer(Name, repository);

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken));

        Assert.Equal(2, failure.Problems.Count);
        Assert.Contains("has no weights", failure.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("has no sentencepiece.bpe.model", failure.Problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PytorchWeightsAreTheFallbackWithoutSafetensors()
    {
        var repository = SyntheticRepository();
        repository.Remove("model.safetensors");
        await using var server = new LocalHubServer(Name, repository);

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Contains(result.Files, f => f.Path == "pytorch_model.bin");
        Assert.Equal(repository["pytorch_model.bin"], File.ReadAllBytes(Local("pytorch_model.bin")));
    }

    [Fact]
    public async Task AShardedCheckpointBringsTheShardsItsIndexNames()
    {
        var repository = SyntheticRepository();
        var shards = new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" };
        repository.Remove("model.safetensors");
        repository[shards[0]] = Encoding.ASCII.GetBytes(new string('a', 5_000));
        repository[shards[1]] = Encoding.ASCII.GetBytes(new string('b', 3_000));
        repository["model-unused.safetensors"] = [1, 2, 3];
        repository[ModelFileSelection.SafetensorsIndex] = JsonSerializer.SerializeToUtf8Bytes(new
        {
            metadata = new { total_size = 8000 },
            weight_map = new Dictionary<string, string> { ["a.weight"] = shards[0], ["b.weight"] = shards[1], ["c.weight"] = shards[0] },
        });
        await using var server = new LocalHubServer(Name, repository);

        var result = await ModelFetcher.FetchAsync(Request(server), null, TestContext.Current.CancellationToken);

        Assert.Equal(
            ["config.json", ModelFileSelection.SafetensorsIndex, shards[0], shards[1], "sentencepiece.bpe.model", "tokenizer_config.json"],
            result.Files.Select(f => f.Path));
        Assert.Equal(repository[shards[1]], File.ReadAllBytes(Local(shards[1])));
        Assert.False(File.Exists(Local("model-unused.safetensors")));
        Assert.False(File.Exists(Local("pytorch_model.bin")));
    }

    [Fact]
    public async Task AFileNameThatWouldLeaveTheFolderIsRefused()
    {
        var repository = SyntheticRepository();
        repository["../escape.json"] = "{}"u8.ToArray();
        await using var server = new LocalHubServer(Name, repository);

        var failure = await Assert.ThrowsAsync<HubFetchException>(() => ModelFetcher.FetchAsync(Request(server, files: ["*escape*"]), null, TestContext.Current.CancellationToken));

        Assert.Contains("'../escape.json', which would land outside", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("escape.json")));
    }

    [Theory]
    [InlineData("../etc", "not a hub model name")]
    [InlineData("a/b/c", "not a hub model name")]
    [InlineData("", "not a hub model name")]
    public async Task ABadModelNameIsRefusedBeforeAnyRequest(string name, string message)
    {
        await using var server = new LocalHubServer(Name, SyntheticRepository());

        var failure = await Assert.ThrowsAsync<InputException>(() => ModelFetcher.FetchAsync(Request(server, name: name), null, TestContext.Current.CancellationToken));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
