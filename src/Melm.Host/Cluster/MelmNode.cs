using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Melm.Actors.Hosting;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Workers;
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
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(5);
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

    /// <summary>The node's health checks (NodeHealth), which the endpoint's /healthz and /ready run.</summary>
    public HealthCheckService HealthChecks => _host.Services.GetRequiredService<HealthCheckService>();

    /// <summary>Every member of the cluster as this node sees it.</summary>
    public IReadOnlyList<MemberInfo> Members()
    {
        var state = Akka.Cluster.Cluster.Get(System).State;
        return [.. state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => new MemberInfo(
            m.Address.ToString(), [.. m.Roles.Order(StringComparer.Ordinal)], m.Status.ToString(), !state.Unreachable.Contains(m)))];
    }

    /// <summary>
    /// The cluster as this node sees it, with what no member list says: which node holds the runs
    /// manager (asked of each coordinator node, not inferred from ages) and each worker node's
    /// model workers (its WorkerDirectory). A node that does not answer is shown without them.
    /// </summary>
    public async Task<ClusterView> ClusterViewAsync(CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(System);
        var state = cluster.State;
        var members = state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToArray();
        var views = await Task.WhenAll(members.Select(async member =>
        {
            var reachable = !state.Unreachable.Contains(member);
            var holdsRuns = member.HasRole(MelmRoles.Coordinator) && reachable && await AnswersAsync(member.Address, "/user/runs/runs", cancellationToken).ConfigureAwait(false);
            IReadOnlyList<Melm.Actors.Protocol.Queries.WorkerStatus>? workers = null;
            string? workersError = null;
            if (member.HasRole(MelmRoles.Worker))
            {
                try
                {
                    var answer = await System.ActorSelection($"{member.Address}/user/{WorkerDirectory.Name}")
                        .Ask<NodeWorkers>(new GetNodeWorkers(), MemberTimeout, cancellationToken).ConfigureAwait(false);
                    workers = answer.Workers;
                    if (answer.Missing.Count > 0)
                        workersError = $"no answer from the workers of {string.Join(", ", answer.Missing)}";
                }
                catch (AskTimeoutException)
                {
                    workersError = $"its workers did not answer within {MemberTimeout.TotalSeconds:0} s";
                }
            }
            return new MemberView(member.Address.ToString(), [.. member.Roles.Order(StringComparer.Ordinal)], member.Status.ToString(), reachable,
                member.Address == state.Leader, holdsRuns, workers, workersError);
        })).ConfigureAwait(false);
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), views.FirstOrDefault(v => v.RunsManager)?.Address, views);
    }

    /// <summary>
    /// Asks a member to leave the cluster gracefully (its work goes back to the queue at once and the
    /// node stops) or marks it down (for a node that cannot leave: crashed, frozen, cut off).
    /// </summary>
    public MemberAction ChangeMember(string address, bool down)
    {
        var cluster = Akka.Cluster.Cluster.Get(System);
        var member = FindMember(address);
        if (down)
            cluster.Down(member.Address);
        else
            cluster.Leave(member.Address);
        var now = cluster.State.Members.FirstOrDefault(m => m.Address == member.Address)?.Status.ToString() ?? "Removed";
        return new MemberAction(member.Address.ToString(), down ? "down" : "leave", now);
    }

    /// <summary>The member an address names: in full (akka.tcp://melm@10.0.0.2:4053) or as host:port.</summary>
    private Member FindMember(string address)
    {
        var members = Akka.Cluster.Cluster.Get(System).State.Members;
        return members.FirstOrDefault(m => m.Address.ToString() == address || $"{m.Address.Host}:{m.Address.Port}" == address)
            ?? throw new UnknownMemberException(address,
                $"no member of the cluster at '{address}'; members: {string.Join(", ", members.Select(m => m.Address.ToString()).Order(StringComparer.Ordinal))} (an address in full, or host:port)");
    }

    private async Task<bool> AnswersAsync(Address node, string path, CancellationToken cancellationToken)
    {
        try
        {
            var identity = await System.ActorSelection($"{node}{path}").Ask<ActorIdentity>(new Identify(path), MemberTimeout, cancellationToken).ConfigureAwait(false);
            return identity.Subject is not null;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The cluster and every run's progress, from the runs manager; its refusal (journal unavailable) becomes a RunRequestException.</summary>
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
        catch (InvalidOperationException e)
        {
            // The runs manager's refusal while its journal is unavailable.
            throw new RunRequestException(e.Message);
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
