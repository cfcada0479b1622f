using System.Globalization;
using Melm.Actors.Coordinator;
using Melm.Actors.Tests.Support;
using Melm.Host.Cluster;

namespace Melm.Host.Tests.Cluster;

/// <summary>GET /metrics on a real node: the Melm meter's figures agree with the run's status, and scrapes while the node stops do not crash it.</summary>
public sealed partial class ClusterProcessTests
{
    [Fact(Timeout = TestTimeout)]
    public async Task MetricsCountTheRunsItemsAndScrapesWhileTheNodeStopsDoNotCrashIt()
    {
        var spec = Spec();
        var node = Node("node", "coordinator,worker", _seedPort);
        await UntilMembersAsync(1);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);
        Assert.Equal(spec.ItemCount, status.Done);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var metrics = PrometheusSamples.Parse(await http.GetStringAsync(new Uri(StatusUrl + "metrics"), TestContext.Current.CancellationToken));
        var run = ("run", spec.RunId);
        var worker = ("worker", $"127.0.0.1:{_seedPort}/cpu");
        Assert.Equal(status.Done, metrics.Sum("melm_items_completed_total", run));
        Assert.Equal(status.Done, metrics.Sum("melm_items_completed_total", run, worker));
        Assert.Equal(status.Done, metrics.Sum("melm_run_items", run, ("state", "done")));
        Assert.Equal((0.0, 0.0), (metrics.Sum("melm_run_items", run, ("state", "in_flight")), metrics.Sum("melm_run_items", run, ("state", "queued"))));
        Assert.Equal(1, metrics.Sum("melm_runs", ("stage", RunStages.Completed)));
        // One worker that never lost an item: it ran each item once, and each took the test processor's 100 ms at least.
        Assert.Equal(status.Done, metrics.Sum("melm_item_duration_seconds_count", run, worker));
        Assert.InRange(metrics.Sum("melm_item_duration_seconds_sum", run, worker), 0.1 * status.Done, double.MaxValue);
        Assert.Equal(status.Done, metrics.Sum("melm_journal_write_duration_seconds_count", ("event", "ItemCompleted")));
        Assert.Equal((0.0, 0.0), (metrics.Sum("melm_item_failures_total", run), metrics.Sum("melm_items_requeued_total", run)));
        Assert.NotEmpty(metrics.Of("process_cpu_time_seconds_total"));
        Assert.NotEmpty(metrics.Of("dotnet_gc_collections_total"));

        // Scrapes keep coming while the node is told to stop (SIGTERM) and shuts down.
        using var stop = new CancellationTokenSource();
        var answered = 0;
        var scraper = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(StatusUrl + "metrics"), stop.Token);
                    Interlocked.Increment(ref answered);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // The node closed the connection or is gone: expected as it stops.
                }
            }
        }, TestContext.Current.CancellationToken);
        await UntilAsync(() => Task.FromResult(Volatile.Read(ref answered) >= 5), "scrapes to be answered");
        node.Terminate();
        Assert.True(node.WaitForExit(Wait), "the node did not stop after SIGTERM");
        await stop.CancelAsync();
        await scraper;
        Assert.True(node.ExitCode == 0, $"exit code {node.ExitCode}:\n{NodeProcess.Tail(node.Log())}");
        Assert.DoesNotContain("Unhandled exception", node.Log(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AWorkerServesItsItemTimesOnItsOwnMetricsPortAndTheCoordinatorCountsTheSameItems()
    {
        var spec = Spec();
        Node("coordinator", "coordinator", _seedPort);
        await UntilMembersAsync(1);
        var workerPort = FreePorts.Next();
        var metricsPort = FreePorts.Next();
        // A worker with no endpoint of its own, only /metrics.
        Node("worker", "worker", workerPort, extra: ["--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture)]);
        await UntilMembersAsync(2);
        using var client = new StatusClient(StatusUrl);
        await client.SubmitAsync(spec);
        var status = await UntilRunAsync(client, spec, s => s.Stage == RunStages.Completed);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var coordinator = PrometheusSamples.Parse(await http.GetStringAsync(new Uri(StatusUrl + "metrics"), TestContext.Current.CancellationToken));
        var worker = PrometheusSamples.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"), TestContext.Current.CancellationToken));
        var run = ("run", spec.RunId);
        var workerId = ("worker", $"127.0.0.1:{workerPort}/cpu");
        Assert.Equal(spec.ItemCount, status.Done);
        Assert.Equal(status.Done, coordinator.Sum("melm_items_completed_total", run, workerId));
        Assert.Equal(status.Done, worker.Sum("melm_item_duration_seconds_count", run, workerId));
        // Each node reports what it does: runs on the coordinator's node, item times on the worker's.
        Assert.Empty(worker.Of("melm_run_items"));
        Assert.Empty(coordinator.Of("melm_item_duration_seconds_count"));
        Assert.NotEmpty(worker.Of("process_cpu_time_seconds_total"));
    }
}
