using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Melm.Actors.Hosting;
using Melm.Models.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Melm.Benchmarks.Pipeline;

/// <summary>A Melm node in this process, set up as `melm node` sets one up; a worker node runs the given processor.</summary>
public sealed class BenchmarkNode : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchmarkNode(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public IActorRef Runs => _host.Services.GetRequiredService<ActorRegistry>().Get<RunsManagerKey>();

    public static async Task<BenchmarkNode> StartAsync(MelmClusterOptions options, IWorkItemProcessor? processor)
    {
        var host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services =>
            {
                if (processor is not null)
                    services.AddSingleton<IWorkItemProcessorFactory>(new OneProcessor(processor));
                services.AddAkka(options.SystemName, (builder, _) => builder
                    .AddMelmActors(options)
                    // Errors only: a node's warnings would break up the table, and the benchmark checks each run's bytes.
                    .ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.ErrorLevel));
            })
            .Build();
        await host.StartAsync().ConfigureAwait(false);
        return new BenchmarkNode(host);
    }

    /// <summary>Waits until the cluster has this many worker nodes up.</summary>
    public async Task WaitForWorkersAsync(int count, TimeSpan timeout)
    {
        var cluster = Cluster.Get(System);
        var deadline = DateTime.UtcNow + timeout;
        while (cluster.State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole(MelmRoles.Worker)) < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{count} worker node(s) did not join within {timeout.TotalSeconds:F0} s");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    private sealed class OneProcessor(IWorkItemProcessor processor) : IWorkItemProcessorFactory
    {
        public IWorkItemProcessor Create(string device) => processor;
    }
}
