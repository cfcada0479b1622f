using System.Text.Json;
using Melm.Actors.Coordinator;
using Melm.Actors.Tests.Support;
using Melm.Host.Cluster;
using Melm.Host.Tests.Commands;

namespace Melm.Host.Tests.Cluster;

/// <summary>melm cluster show, leave and down on real nodes: what pbm cluster show/leave/down give an Akka.NET operator.</summary>
public sealed partial class ClusterProcessTests
{
    [Fact(Timeout = TestTimeout)]
    public async Task ClusterShowListsTheNodesAndAWorkerAskedToLeaveHandsBackItsItemsAndStops()
    {
        var spec = Spec();
        Node("coordinator", "coordinator", _seedPort);
        await UntilMembersAsync(1);
        var leaverPort = FreePorts.Next();
        var stayerPort = FreePorts.Next();
        // 400 ms an item: the leaver still holds items when it is asked to leave.
        var leaver = Node("worker-1", "worker", leaverPort, delayMs: 400);
        Node("worker-2", "worker", stayerPort, delayMs: 400);
        await UntilMembersAsync(3);
        using var client = new StatusClient(StatusUrl);
        // Up as members is not yet answering for their devices: a loaded machine showed a worker's list empty right after joining.
        await UntilAsync(async () => (await client.ClusterAsync()).Members.Count(m => m.Workers is { Count: 1 }) == 2, "both workers to report their devices");

        var (code, json, error) = ConsoleCapture.Run("cluster", "show", "--url", StatusUrl, "--json");
        Assert.True(code == 0, error);
        using (var view = JsonDocument.Parse(json))
        {
            var members = view.RootElement.GetProperty("members").EnumerateArray().ToArray();
            Assert.Equal(
                new[] { _seedPort, leaverPort, stayerPort }.Select(port => $"akka.tcp://melm@127.0.0.1:{port}").Order(StringComparer.Ordinal),
                members.Select(m => m.GetProperty("address").GetString()).Order(StringComparer.Ordinal));
            Assert.All(members, m => Assert.Equal(("Up", true), (m.GetProperty("status").GetString(), m.GetProperty("reachable").GetBoolean())));
            Assert.Equal($"akka.tcp://melm@127.0.0.1:{_seedPort}", view.RootElement.GetProperty("runs_manager").GetString());
            var leader = Assert.Single(members, m => m.GetProperty("leader").GetBoolean());
            Assert.Equal(view.RootElement.GetProperty("leader").GetString(), leader.GetProperty("address").GetString());
            foreach (var port in new[] { leaverPort, stayerPort })
            {
                var member = Assert.Single(members, m => m.GetProperty("address").GetString()!.EndsWith($":{port}", StringComparison.Ordinal));
                Assert.Equal(["worker"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
                var worker = Assert.Single(member.GetProperty("workers").EnumerateArray());
                Assert.Equal(($"127.0.0.1:{port}/cpu", 1), (worker.GetProperty("worker_id").GetString(), worker.GetProperty("capacity").GetInt32()));
            }
        }
        var (tableCode, table, tableError) = ConsoleCapture.Run("cluster", "show", "--url", StatusUrl);
        Assert.True(tableCode == 0, tableError);
        Assert.Contains($"127.0.0.1:{leaverPort}/cpu", table, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{stayerPort}/cpu", table, StringComparison.Ordinal);

        await client.SubmitAsync(spec);
        // The leaver's current item shows in cluster show while it runs.
        var leaverId = $"127.0.0.1:{leaverPort}/cpu";
        await UntilAsync(async () => (await client.ClusterAsync()).Members.SelectMany(m => m.Workers ?? [])
            .Any(w => w.WorkerId == leaverId && w.Running is [var item, ..] && item.StartsWith($"{spec.RunId}: shard", StringComparison.Ordinal)), "the leaver to show a running item");

        var (leaveCode, left, leaveError) = ConsoleCapture.Run("cluster", "leave", $"127.0.0.1:{leaverPort}", "--url", StatusUrl);
        Assert.True(leaveCode == 0, leaveError);
        Assert.Contains($"akka.tcp://melm@127.0.0.1:{leaverPort}: leaving", left, StringComparison.Ordinal);
        Assert.True(leaver.WaitForExit(Wait), "the worker asked to leave did not stop");
        Assert.True(leaver.ExitCode == 0, $"exit code {leaver.ExitCode}:\n{NodeProcess.Tail(leaver.Log())}");
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        var coordinatorLog = await File.ReadAllTextAsync(_folder.Combine("coordinator.log"), TestContext.Current.CancellationToken);
        Assert.Contains($"node akka.tcp://melm@127.0.0.1:{leaverPort} is leaving the cluster", coordinatorLog, StringComparison.Ordinal);
        Assert.Contains($"worker {leaverId} left; back in the queue", coordinatorLog, StringComparison.Ordinal);
        AssertSameOutputAsTheDirectLoop(spec);
        await UntilAsync(async () => (await client.ClusterAsync()).Members.Count == 2, "the leaver to leave the member list");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AWorkerMarkedDownStopsAndTheRunCompletesWithoutIt()
    {
        var spec = Spec();
        Node("node", "coordinator,worker", _seedPort, delayMs: 400);
        await UntilMembersAsync(1);
        var downedPort = FreePorts.Next();
        var downed = Node("worker", "worker", downedPort, delayMs: 400);
        await UntilMembersAsync(2);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        var downedId = $"127.0.0.1:{downedPort}/cpu";
        await UntilAsync(async () => (await client.StatusAsync()).Runs.Single().Workers.Any(w => w.WorkerId == downedId && w.InFlight > 0), "the worker to hold an item");

        var (code, output, error) = ConsoleCapture.Run("cluster", "down", $"127.0.0.1:{downedPort}", "--url", StatusUrl, "--json");
        Assert.True(code == 0, error);
        using (var answer = JsonDocument.Parse(output))
            Assert.Equal(($"akka.tcp://melm@127.0.0.1:{downedPort}", "down"), (answer.RootElement.GetProperty("address").GetString(), answer.RootElement.GetProperty("action").GetString()));
        Assert.True(downed.WaitForExit(Wait), "the downed worker did not stop");
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        Assert.Equal(spec.ItemCount, status.Done);
        AssertSameOutputAsTheDirectLoop(spec);
        await UntilAsync(async () => (await client.ClusterAsync()).Members.Count == 1, "the downed worker to leave the member list");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AnAddressThatNamesNoMemberIsRefusedWithExitCode2()
    {
        Node("coordinator", "coordinator", _seedPort);
        await UntilMembersAsync(1);

        foreach (var verb in new[] { "leave", "down" })
        {
            var (code, output, error) = ConsoleCapture.Run("cluster", verb, "akka.tcp://melm@127.0.0.1:1", "--url", StatusUrl);
            Assert.True(code == 2, output + error);
            Assert.Contains($"no member of the cluster at 'akka.tcp://melm@127.0.0.1:1'; members: akka.tcp://melm@127.0.0.1:{_seedPort}", error, StringComparison.Ordinal);
        }
        using var client = new StatusClient(StatusUrl);
        Assert.Equal("Up", Assert.Single((await client.ClusterAsync()).Members).Status);
    }
}
