using System.Text;
using Melm.Host.Commands;
using Melm.Models.Checkpoints.Hub;
using Melm.Models.Tests.Checkpoints.Hub;
using Spectre.Console;

namespace Melm.Host.Tests.Commands;

/// <summary>`melm model fetch` end to end against a local hub: exit codes, messages, files.</summary>
[Collection(ConsoleCapture.Collection)]
public sealed class ModelFetchCommandTests : IDisposable
{
    private const string Name = "melm/tiny";
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static Dictionary<string, byte[]> Repository() => new(StringComparer.Ordinal)
    {
        ["config.json"] = """{"model_type": "xlm-roberta"}"""u8.ToArray(),
        ["model.safetensors"] = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray(),
        ["sentencepiece.bpe.model"] = Enumerable.Range(0, 5_000).Select(i => (byte)(i * 13)).ToArray(),
        ["README.md"] = "# tiny\n"u8.ToArray(),
    };

    private static (int ExitCode, string Error) Melm(params string[] args)
    {
        var (code, _, error) = ConsoleCapture.Run(args);
        return (code, error);
    }

    private string[] Fetch(LocalHubServer server, string name = Name) =>
        ["model", "fetch", name, "--endpoint", server.Endpoint.ToString(), "--out", temp.Combine("model")];

    [Fact]
    public async Task FetchesTheFolderAndExitsZero()
    {
        var repository = Repository();
        await using var server = new LocalHubServer(Name, repository);

        var (exitCode, error) = Melm(Fetch(server));

        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        foreach (var file in new[] { "config.json", "model.safetensors", "sentencepiece.bpe.model" })
            Assert.Equal(repository[file], File.ReadAllBytes(temp.Combine("model", file)));
        Assert.True(File.Exists(temp.Combine("model", FetchManifest.FileName)));
        Assert.False(File.Exists(temp.Combine("model", "README.md")));
    }

    [Fact]
    public async Task AnInterruptedFetchExitsOneAndTheNextRunResumes()
    {
        var repository = Repository();
        await using var server = new LocalHubServer(Name, repository) { CutNextDownload = ("model.safetensors", 50_000) };

        var (exitCode, error) = Melm(Fetch(server));

        Assert.Equal(Cli.Failed, exitCode);
        Assert.StartsWith("error: melm/tiny: the download of model.safetensors stopped after 50000 of 200000 bytes", error, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        Assert.Equal((0, ""), Melm(Fetch(server)));
        Assert.Contains(server.Downloads("model.safetensors"), r => r.Range == "bytes=50000-");
        Assert.Equal(repository["model.safetensors"], File.ReadAllBytes(temp.Combine("model", "model.safetensors")));
    }

    [Fact]
    public async Task AChecksumMismatchExitsOneNamingTheFile()
    {
        await using var server = new LocalHubServer(Name, Repository());
        server.AdvertisedSha256["model.safetensors"] = new string('0', 64);

        var (exitCode, error) = Melm(Fetch(server));

        Assert.Equal(Cli.Failed, exitCode);
        Assert.Contains($"model.safetensors does not match what the hub lists: sha256 expected {new string('0', 64)}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownModelExitsTwo()
    {
        await using var server = new LocalHubServer(Name, Repository());

        var (exitCode, error) = Melm(Fetch(server, "melm/nope"));

        Assert.Equal(Cli.BadInput, exitCode);
        Assert.StartsWith("error: melm/nope: no such model at http://127.0.0.1:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEndpointThatIsNotHttpExitsTwo()
    {
        var (exitCode, error) = Melm("model", "fetch", Name, "--endpoint", "ftp://example.org", "--out", temp.Combine("model"));

        Assert.Equal(Cli.BadInput, exitCode);
        Assert.Equal("error: --endpoint: 'ftp://example.org' is not an http or https address (from --endpoint or HF_ENDPOINT)" + Environment.NewLine, error);
    }

    [Fact]
    public async Task ASecondFetchSaysWhichFilesWereAlreadyThere()
    {
        await using var server = new LocalHubServer(Name, Repository());
        var request = new ModelFetchRequest(Name, "main", temp.Combine("model"), server.Endpoint);
        Assert.Equal(0, ModelCommand.Fetch(request, TextConsole(new StringWriter())));
        var output = new StringWriter();

        Assert.Equal(0, ModelCommand.Fetch(request, TextConsole(output)));

        var text = output.ToString();
        Assert.Contains("config.json: already present and verified, not downloaded again", text, StringComparison.Ordinal);
        Assert.Contains("model.safetensors: already present and verified, not downloaded again", text, StringComparison.Ordinal);
        Assert.Contains($"(commit {LocalHubServer.CommitSha[..12]})", text, StringComparison.Ordinal);
        Assert.Contains("0 downloaded, 0 resumed, 3 already present.", text, StringComparison.Ordinal);
    }

    private static IAnsiConsole TextConsole(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 1000;   // no wrapping inside the sentences the test looks for
        return console;
    }
}
