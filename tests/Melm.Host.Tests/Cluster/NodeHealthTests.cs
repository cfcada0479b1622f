using Melm.Testing;
using System.Globalization;
using Melm.Actors.Tests.Support;
using Melm.Host.Cluster;
using Melm.Host.Tests.Commands;
using Melm.Models.Tests;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// /healthz and /ready on real `melm node` processes: a worker is alive as soon as it runs but
/// ready only once it has joined the cluster as Up; a coordinator is ready once its journal answers,
/// and a journal it cannot reach keeps it alive but not ready, with the failing check named.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed class NodeHealthTests : IDisposable
{
    private const int TestTimeout = 120_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly List<NodeProcess> _nodes = [];
    private readonly int _seedPort = FreePorts.Next();

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        _folder.Dispose();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AWorkerIsAliveAtOnceButReadyOnlyOnceItHasJoinedTheCluster()
    {
        var workerPort = FreePorts.Next();
        var workerUrl = $"http://127.0.0.1:{workerPort}/";
        // Its seed, the coordinator, is not started yet: the worker cannot join.
        Node("worker", "worker", FreePorts.Next(), workerPort);
        using var worker = new StatusClient(workerUrl);
        await UntilAsync(async () => (await TryHealthAsync(worker, readiness: false))?.Up == true, "the worker to be alive");

        var (ready, notYet) = await worker.HealthAsync(readiness: true);
        Assert.False(ready);
        Assert.Equal("Unhealthy", notYet.Status);
        Assert.Equal("Unhealthy", Check(notYet, "akka.cluster.join").Status);
        Assert.Equal("Healthy", Check(notYet, "devices").Status);
        Assert.Equal("Healthy", Check(notYet, "dispatcher").Status);
        var (notReadyCode, notReadyOutput, _) = ConsoleCapture.Run("health", "--url", workerUrl);
        Assert.Equal(1, notReadyCode);
        Assert.Contains("Have not yet joined", notReadyOutput, StringComparison.Ordinal);
        Assert.Equal(0, ConsoleCapture.Run("health", "--url", workerUrl, "--live").ExitCode);

        var coordinatorPort = FreePorts.Next();
        Node("coordinator", "coordinator", _seedPort, coordinatorPort);
        await UntilAsync(async () => (await TryHealthAsync(worker, readiness: true))?.Up == true, "the worker to be ready");

        var (readyCode, readyOutput, readyError) = ConsoleCapture.Run("health", "--url", workerUrl);
        Assert.True(readyCode == 0, readyOutput + readyError);
        using var coordinator = new StatusClient($"http://127.0.0.1:{coordinatorPort}/");
        var (coordinatorReady, answer) = await coordinator.HealthAsync(readiness: true);
        Assert.True(coordinatorReady, string.Join("; ", answer.Checks.Select(c => $"{c.Name} {c.Status} {c.Description}")));
        Assert.Equal(["akka.actorsystem", "akka.cluster.join", "dispatcher", "journal"], answer.Checks.Select(c => c.Name));
        Assert.Equal("the journal answers a read", Check(answer, "journal").Description);
        // A worker-only node serves the health probes, not the runs.
        var refused = await Assert.ThrowsAsync<RunRequestException>(worker.StatusAsync);
        Assert.Contains("no such endpoint on a worker node", refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ACoordinatorWhoseJournalCannotBeReachedIsAliveButNotReady()
    {
        var statusPort = FreePorts.Next();
        // Nothing listens on this port: every journal read fails to connect.
        var postgres = $"Host=127.0.0.1;Port={FreePorts.Next()};Database=melm;Username=melm;Password=unused;Timeout=2";
        Node("coordinator", "coordinator", _seedPort, statusPort, ["--postgres", postgres]);
        using var client = new StatusClient($"http://127.0.0.1:{statusPort}/");
        await UntilAsync(async () => (await TryHealthAsync(client, readiness: false))?.Up == true, "the coordinator to be alive");

        HealthAnswer? answer = null;
        await UntilAsync(async () =>
        {
            answer = (await TryHealthAsync(client, readiness: true))?.Answer;
            return answer is not null && Check(answer, "akka.cluster.join").Status == "Healthy";
        }, "the coordinator to join its own cluster");

        Assert.Equal("Unhealthy", answer!.Status);
        var journal = Check(answer, "journal");
        Assert.Equal("Unhealthy", journal.Status);
        Assert.False((await client.HealthAsync(readiness: true)).Up);
        Assert.True((await client.HealthAsync(readiness: false)).Up);
    }

    private static HealthCheckAnswer Check(HealthAnswer answer, string name) =>
        answer.Checks.SingleOrDefault(c => c.Name == name) ?? throw new Xunit.Sdk.XunitException($"no check {name} in {string.Join(", ", answer.Checks.Select(c => c.Name))}");

    private static async Task<(bool Up, HealthAnswer Answer)?> TryHealthAsync(StatusClient client, bool readiness)
    {
        try
        {
            return await client.HealthAsync(readiness);
        }
        catch (RunRequestException)
        {
            return null;
        }
    }

    private void Node(string name, string roles, int port, int statusPort, string[]? options = null)
    {
        var environment = UpperCaseProcessorFactory.ProcessEnvironment();
        environment[ApiToken.Variable] = "";
        _nodes.Add(new NodeProcess(_folder.Combine($"{name}.log"), environment,
        [
            "node", "--role", roles, "--port", port.ToString(CultureInfo.InvariantCulture), "--seed-nodes", $"akka.tcp://melm@127.0.0.1:{_seedPort}",
            "--run-root", _folder.Path, "--status-port", statusPort.ToString(CultureInfo.InvariantCulture), .. options ?? [],
        ]));
    }

    private Task UntilAsync(Func<Task<bool>> condition, string what) => NodeProcess.UntilAsync(condition, what, Wait, _nodes);

}
