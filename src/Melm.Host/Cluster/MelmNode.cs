using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Melm.Actors.Hosting;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Melm.Host.Cluster;

/// <summary>
/// A running Melm node: the generic host with the Melm actors (AddMelmActors) and, on worker nodes,
/// the processor factory. `melm node` runs one until stopped; `melm augment` and `melm resume
/// --run-root` run a one-node cluster for one run.
/// </summary>
internal sealed class MelmNode : IAsyncDisposable
{
    private const string NoAnswer = "the coordinator did not answer in time (is a coordinator node up?)";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private readonly IHost _host;

    private MelmNode(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>The node's loggers: JSON lines on stdout on a `melm node`, nothing where a command draws its own progress.</summary>
    public ILoggerFactory LoggerFactory => _host.Services.GetRequiredService<ILoggerFactory>();

    /// <summary>The runs manager (the singleton, through its proxy).</summary>
    public IActorRef Runs => _host.Services.GetRequiredService<ActorRegistry>().Get<RunsManagerKey>();

    /// <summary>
    /// Starts a node; with jsonLogs its log lines (Akka's too) go to stdout as JSON objects, with the
    /// values of Melm's log messages (RunId, Shard, Round, WorkerId, Stage...) as fields under "State".
    /// </summary>
    public static async Task<MelmNode> StartAsync(MelmClusterOptions options, IWorkItemProcessorFactory factory, bool jsonLogs, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .UseConsoleLifetime(lifetime => lifetime.SuppressStatusMessages = true)
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                if (jsonLogs)
                    logging.AddJsonConsole(json => json.TimestampFormat = "O");
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton(factory);
                services.AddHealthChecks();
                services.AddAkka(options.SystemName, (builder, _) =>
                {
                    if (jsonLogs)
                        builder.ConfigureLoggers(loggers => loggers.AddLogger<StructuredAkkaLogger>());
                    builder.AddMelmActors(options);
                    builder.WithMelmHealthChecks(options);
                });
            })
            .Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new MelmNode(host);
    }

    /// <summary>Whether the node runs at all (liveness: NodeHealth.Live), or also can take work (readiness: NodeHealth.Ready too).</summary>
    public Task<HealthReport> CheckHealthAsync(bool readiness, CancellationToken cancellationToken) =>
        _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(
            check => check.Tags.Contains(NodeHealth.Live) || (readiness && check.Tags.Contains(NodeHealth.Ready)), cancellationToken);

    /// <summary>Every member of the cluster as this node sees it.</summary>
    public IReadOnlyList<MemberInfo> Members()
    {
        var state = Akka.Cluster.Cluster.Get(System).State;
        return [.. state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => new MemberInfo(
            m.Address.ToString(), [.. m.Roles.Order(StringComparer.Ordinal)], m.Status.ToString(), !state.Unreachable.Contains(m)))];
    }

    /// <summary>The cluster and every run's progress, from the runs manager.</summary>
    public async Task<ClusterReport> ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            var list = await Runs.Ask<RunList>(new ListRuns(), AskTimeout, cancellationToken).ConfigureAwait(false);
            var runs = new List<RunProgress>();
            foreach (var runId in list.RunIds)
                runs.Add(await Runs.Ask<RunProgress>(new GetRunProgress(runId), AskTimeout, cancellationToken).ConfigureAwait(false));
            return new ClusterReport(Akka.Cluster.Cluster.Get(System).SelfAddress.ToString(), Members(), runs);
        }
        catch (AskTimeoutException)
        {
            throw new RunRequestException(NoAnswer);
        }
    }

    /// <summary>Asks the runs manager; a refusal (Status.Failure, which Ask throws) or an unknown run becomes a RunRequestException.</summary>
    public async Task<RunStatus> AskAsync(object message, CancellationToken cancellationToken)
    {
        object reply;
        try
        {
            reply = await Runs.Ask<object>(message, AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new RunRequestException(NoAnswer);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new RunRequestException(e.Message);
        }
        return reply switch
        {
            RunStatus status => status,
            RunNotFound notFound => throw new RunRequestException($"no run named {notFound.RunId}"),
            _ => throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}"),
        };
    }

    /// <summary>Leaves the cluster and stops the node.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _host.Dispose();
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _host.WaitForShutdownAsync(cancellationToken);
}
