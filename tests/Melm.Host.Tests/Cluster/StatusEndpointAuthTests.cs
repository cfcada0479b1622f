using System.Globalization;
using System.Net;
using Melm.Actors.Tests.Support;
using Melm.Host.Cluster;
using Melm.Host.Tests.Commands;
using Melm.Models.Runs;
using Melm.Models.Tests;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// The coordinator endpoint's API token, on real `melm node` processes: the mutating verbs refuse a
/// request without the token or with another one (401, logged with the caller's address) and take
/// it with the token; GET /status stays open; a node refuses to open its endpoint to other machines
/// without a token unless told --insecure.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed class StatusEndpointAuthTests : IDisposable
{
    private const int TestTimeout = 120_000;
    private const string Secret = "c0ffee00c0ffee00c0ffee00c0ffee00";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly List<NodeProcess> _nodes = [];
    private readonly int _seedPort = FreePorts.Next();
    private readonly int _statusPort = FreePorts.Next();

    private string StatusUrl => $"http://127.0.0.1:{_statusPort}/";

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        _folder.Dispose();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task TheMutatingVerbsNeedTheTokenTheSettingsNameAndStatusStaysOpen()
    {
        var tokenFile = _folder.Write("api-token", Secret + "\n");
        var wrongFile = _folder.Write("wrong-token", "c0ffee00c0ffee00c0ffee00c0ffee01\n");
        var config = _folder.Write("coordinator.json", """{ "apiTokenFile": "api-token" }""");
        var node = Node(["--config", config], new Dictionary<string, string> { [ApiToken.Variable] = "" });
        using var open = new StatusClient(StatusUrl);
        await UntilAsync(async () =>
        {
            try
            {
                return (await open.StatusAsync()).Members.Any(m => m.Status == "Up");
            }
            catch (RunRequestException)
            {
                return false;
            }
        }, "the coordinator to be up (GET /status without a token)");

        var missing = await Assert.ThrowsAsync<RunRequestException>(() => open.SubmitAsync(Spec("refused")));
        Assert.Contains("unauthorized: POST /runs came with no API token", missing.Message, StringComparison.Ordinal);
        Assert.Contains($"this command sent none: set {ApiToken.Variable} or pass --token-file", missing.Message, StringComparison.Ordinal);
        using var wrong = new StatusClient(StatusUrl, ApiToken.FromFile(wrongFile));
        var refused = await Assert.ThrowsAsync<RunRequestException>(() => wrong.SubmitAsync(Spec("refused")));
        Assert.Contains("came with a wrong API token", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await open.StatusAsync()).Runs);

        // The answer itself: 401, a JSON body that says why, and the Bearer challenge.
        using (var http = new HttpClient())
        {
            using var response = await http.PostAsync($"{StatusUrl}runs/any/cancel", null, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.StartsWith("unauthorized: POST /runs/any/cancel", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using var client = new StatusClient(StatusUrl, ApiToken.FromFile(tokenFile));
        Assert.Equal("accepted", (await client.SubmitAsync(Spec("accepted"))).RunId);
        Assert.Equal(["accepted"], (await open.StatusAsync()).Runs.Select(r => r.RunId));

        // The command line sends the token from --token-file.
        var (noTokenCode, _, noTokenError) = ConsoleCapture.Run("cancel", "accepted", "--url", StatusUrl);
        Assert.Equal(1, noTokenCode);
        Assert.Contains("unauthorized", noTokenError, StringComparison.Ordinal);
        var (code, output, error) = ConsoleCapture.Run("cancel", "accepted", "--url", StatusUrl, "--token-file", tokenFile);
        Assert.True(code == 0, error);
        Assert.Contains("run accepted: cancelled", output, StringComparison.Ordinal);

        // melm cluster: show is a GET, open to all; leave and down change the cluster and need the token,
        // with which an address that names no member is bad input (exit code 2).
        var (showCode, show, showError) = ConsoleCapture.Run("cluster", "show", "--url", StatusUrl);
        Assert.True(showCode == 0, showError);
        Assert.Contains($"127.0.0.1:{_seedPort}", show, StringComparison.Ordinal);
        var (downCode, _, downError) = ConsoleCapture.Run("cluster", "down", "127.0.0.1:1", "--url", StatusUrl);
        Assert.Equal(1, downCode);
        Assert.Contains("unauthorized: POST /cluster/down came with no API token", downError, StringComparison.Ordinal);
        var (unknownCode, _, unknownError) = ConsoleCapture.Run("cluster", "down", "127.0.0.1:1", "--url", StatusUrl, "--token-file", tokenFile);
        Assert.Equal(2, unknownCode);
        Assert.Contains("no member of the cluster at '127.0.0.1:1'", unknownError, StringComparison.Ordinal);

        // Each refusal is logged with the caller's address.
        await UntilAsync(() => Task.FromResult(node.Log().Split('\n').Count(l => l.Contains("status endpoint refused POST", StringComparison.Ordinal)) >= 4), "the refusals in the log");
        var log = node.Log();
        Assert.Contains("status endpoint refused POST /runs from 127.0.0.1:", log, StringComparison.Ordinal);
        Assert.Contains("a wrong API token", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ANodeRefusesToOpenItsEndpointToOtherMachinesWithoutATokenUnlessInsecure()
    {
        var noToken = new Dictionary<string, string> { [ApiToken.Variable] = "" };
        var refused = Node(["--status-host", "0.0.0.0"], noToken);
        Assert.True(refused.WaitForExit(Wait), "the node did not stop");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--status-host: the status endpoint would listen on 0.0.0.0, reachable from other machines, without an API token", refused.Log(), StringComparison.Ordinal);
        Assert.DoesNotContain("status endpoint: http", refused.Log(), StringComparison.Ordinal);

        var insecure = Node(["--status-host", "0.0.0.0", "--insecure"], noToken);
        await UntilAsync(() => Task.FromResult(insecure.Log().Contains("status endpoint: http://0.0.0.0:", StringComparison.Ordinal)), "the --insecure node's endpoint");
        Assert.Contains("warning: --insecure", insecure.Log(), StringComparison.Ordinal);

        var withToken = Node(["--status-host", "0.0.0.0"], new Dictionary<string, string> { [ApiToken.Variable] = Secret });
        await UntilAsync(() => Task.FromResult(withToken.Log().Contains("status endpoint: http://0.0.0.0:", StringComparison.Ordinal)), "the node with a token to serve");
        Assert.DoesNotContain("warning", withToken.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyTokenFileStopsTheNodeAndTheClientsWithItsName()
    {
        var empty = _folder.Write("empty-token", "\n");

        var (nodeCode, _, nodeError) = ConsoleCapture.Run("node", "--role", "coordinator", "--token-file", empty,
            "--status-port", _statusPort.ToString(CultureInfo.InvariantCulture), "--run-root", _folder.Path);
        var (statusCode, _, statusError) = ConsoleCapture.Run("status", "--url", StatusUrl, "--token-file", empty);

        Assert.Equal((2, 2), (nodeCode, statusCode));
        Assert.Contains($"{empty}: the API token file is empty", nodeError, StringComparison.Ordinal);
        Assert.Contains($"{empty}: the API token file is empty", statusError, StringComparison.Ordinal);
    }

    /// <summary>A coordinator node of its own on 127.0.0.1 with the given extra options.</summary>
    private NodeProcess Node(string[] options, Dictionary<string, string> environment)
    {
        var port = _nodes.Count == 0 ? _seedPort : FreePorts.Next();
        var node = new NodeProcess(_folder.Combine($"node-{_nodes.Count}.log"), environment,
        [
            "node", "--role", "coordinator", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--seed-nodes", $"akka.tcp://melm@127.0.0.1:{port}", "--run-root", _folder.Combine($"root-{_nodes.Count}"),
            "--status-port", (_nodes.Count == 0 ? _statusPort : FreePorts.Next()).ToString(CultureInfo.InvariantCulture), .. options,
        ]);
        _nodes.Add(node);
        return node;
    }

    private RunSpec Spec(string runId) => NodeProcess.OneSentenceRun(_folder, runId);

    private Task UntilAsync(Func<Task<bool>> condition, string what) => NodeProcess.UntilAsync(condition, what, Wait, _nodes);
}
