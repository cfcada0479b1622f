using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Melm.Actors.Protocol.Commands;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Melm.Host.Cluster;

/// <summary>
/// A node's HTTP endpoint, served by Kestrel over HTTP or, with a certificate, HTTPS (loopback
/// unless told otherwise). Every node answers GET /healthz (liveness) and GET /ready (readiness)
/// with its health checks (NodeHealth), 200 or 503, and GET /metrics in Prometheus text through
/// OpenTelemetry's exporter (NodeMetrics), on the endpoint's port or on a plain-HTTP port of its
/// own. A coordinator also serves the runs: GET /status is the ClusterReport as JSON; POST /runs
/// starts the RunSpec in the body; POST /runs/ID/resume and /runs/ID/cancel continue or stop a run;
/// GET /cluster, POST /cluster/leave and /cluster/down show the members and change one. `melm
/// status`, `melm submit`, `melm resume`, `melm cancel`, `melm cluster` and `melm health` are its
/// clients. With an API token, every verb but GET needs it ("Authorization: Bearer TOKEN"); a
/// request without it, or with another, gets 401 and its caller's address is logged.
/// </summary>
internal sealed partial class StatusServer : IAsyncDisposable
{
    private const string MetricsPath = "/metrics";
    private readonly WebApplication _app;

    private StatusServer(WebApplication app) => _app = app;

    /// <summary>
    /// Starts one server for the node: its endpoint (none when null) and, when metrics is given, GET
    /// /metrics on the endpoint's port or on a port of its own; a port in use is bad input.
    /// </summary>
    /// <param name="servesRuns">A coordinator: /status and the runs' verbs besides the health probes.</param>
    public static async Task<StatusServer> StartAsync(MelmNode node, NodeEndpoint? endpoint, bool servesRuns, MetricsEndpoint? metrics)
    {
        var ownMetricsPort = metrics is not null && metrics.Port != endpoint?.Port;
        var listeners = new List<(IPAddress[] Addresses, int Port, Action<ListenOptions> Configure)>();
        if (endpoint is not null)
            listeners.Add((Addresses(endpoint.Host, "--status-host"), endpoint.Port, listen => endpoint.UseTls(listen)));
        if (ownMetricsPort)
            listeners.Add((Addresses(metrics!.Host, "--metrics-host"), metrics.Port, _ => { }));

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            foreach (var (addresses, port, configure) in listeners)
            {
                foreach (var address in addresses)
                    kestrel.Listen(address, port, configure);
            }
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(node.HealthChecks);
        builder.Services.AddSingleton<IHostLifetime, NodeLifetime>();
        var app = builder.Build();

        if (ownMetricsPort)
        {
            app.MapWhen(context => context.Connection.LocalPort == metrics!.Port, branch =>
            {
                branch.UseOpenTelemetryPrometheusScrapingEndpoint(metrics!.Provider, IsMetrics, null, null, null);
                branch.Run(context => ReplyAsync(context, HttpStatusCode.NotFound, new { error = $"this port serves GET {MetricsPath} alone; the node's endpoint is on its --status-port" }));
            });
        }
        var logger = node.LoggerFactory.CreateLogger<StatusServer>();
        var token = endpoint?.Token;
        app.Use(async (context, next) =>
        {
            if (token is null || HttpMethods.IsGet(context.Request.Method) || token.Accepts(context.Request.Headers.Authorization.FirstOrDefault()))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var request = context.Request;
            var path = Path(request);
            var reason = request.Headers.Authorization.Count == 0 ? "no API token" : "a wrong API token";
            var caller = context.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, context.Connection.RemotePort).ToString() : "an unknown address";
            LogRefused(logger, request.Method, path, caller, reason);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ReplyAsync(context, HttpStatusCode.Unauthorized, new
            {
                error = $"unauthorized: {request.Method} {path} came with {reason}; this node requires its API token as \"Authorization: Bearer TOKEN\" (melm commands send MELM_API_TOKEN or the file named by --token-file)",
            }).ConfigureAwait(false);
        });
        if (metrics is not null && !ownMetricsPort)
            app.UseOpenTelemetryPrometheusScrapingEndpoint(metrics.Provider, IsMetrics, null, null, null);
        foreach (var (path, readiness) in new[] { ("/healthz", false), ("/ready", true) })
        {
            app.MapHealthChecks(path, new HealthCheckOptions
            {
                Predicate = check => NodeHealth.InProbe(check, readiness),
                // The status code is the middleware's: 200 when no check is unhealthy, 503 otherwise.
                ResponseWriter = (context, report) => ReplyAsync(context, (HttpStatusCode)context.Response.StatusCode, HealthAnswer.From(report)),
            }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        }
        // Everything else, whatever its method and however it looks (a dot in a run id too): the runs, or a JSON error.
        app.MapFallback("{**path}", context => AnswerAsync(node, servesRuns, context));

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            var (source, what) = (endpoint, ownMetricsPort) switch
            {
                (null, _) => ("--metrics-host/--metrics-port", $"/metrics on http://{metrics!.Host}:{metrics.Port}{MetricsPath}"),
                (_, false) => ("--status-host/--status-port", $"the status endpoint on {endpoint.Url}"),
                _ => ("--status-port/--metrics-port", $"the status endpoint on {endpoint.Url} and /metrics on http://{metrics!.Host}:{metrics.Port}{MetricsPath}"),
            };
            throw new InputException(source, null, $"cannot serve {what}: {e.Message}");
        }
        return new StatusServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The addresses a host name stands for: an IP address, localhost (both loopbacks), or a name DNS resolves.</summary>
    private static IPAddress[] Addresses(string host, string option)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            return [address];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new InputException(option, null, $"cannot listen on '{host}': {e.Message}");
        }
    }

    private static bool IsMetrics(HttpContext context) => Path(context.Request) == MetricsPath;

    private static string Path(HttpRequest request) => request.Path.Value?.TrimEnd('/') ?? "";

    private static async Task AnswerAsync(MelmNode node, bool servesRuns, HttpContext context)
    {
        var request = context.Request;
        var path = Path(request);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var cancel = context.RequestAborted;
        try
        {
            if (parts is ["metrics"])
            {
                await ReplyAsync(context, HttpStatusCode.ServiceUnavailable, new { error = "no metrics on this port: the node serves them on its --metrics-port, or none (--metrics-port 0)" }).ConfigureAwait(false);
                return;
            }
            if (!servesRuns)
            {
                await ReplyAsync(context, HttpStatusCode.NotFound, new
                {
                    error = $"no such endpoint on a worker node: {request.Method} {path} (GET /healthz, GET /ready, GET /metrics; the coordinator serves the runs)",
                }).ConfigureAwait(false);
                return;
            }
            object body = (request.Method, parts) switch
            {
                ("GET", ["status"]) => await node.ReportAsync(cancel).ConfigureAwait(false),
                ("POST", ["runs"]) => await node.AskAsync(new StartRun(await ReadSpecAsync(request).ConfigureAwait(false)), cancel).ConfigureAwait(false),
                ("POST", ["runs", var runId, "resume"]) => await node.AskAsync(new ResumeRun(runId), cancel).ConfigureAwait(false),
                ("POST", ["runs", var runId, "cancel"]) => await node.AskAsync(new CancelRun(runId), cancel).ConfigureAwait(false),
                ("GET", ["cluster"]) => await node.ClusterViewAsync(cancel).ConfigureAwait(false),
                ("POST", ["cluster", "leave" or "down"]) => node.ChangeMember(await ReadAddressAsync(request).ConfigureAwait(false), down: parts[1] == "down"),
                _ => throw new RunRequestException($"no such endpoint: {request.Method} {path} (GET /status, GET /cluster, GET /healthz, GET /ready, GET /metrics, POST /runs, POST /runs/ID/resume, POST /runs/ID/cancel, POST /cluster/leave, POST /cluster/down)"),
            };
            await ReplyAsync(context, HttpStatusCode.OK, body).ConfigureAwait(false);
        }
        catch (UnknownMemberException e)
        {
            await ReplyAsync(context, HttpStatusCode.NotFound, new { error = e.Message, unknownMember = e.Address }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RunRequestException or JsonException)
        {
            await ReplyAsync(context, HttpStatusCode.BadRequest, new { error = e.Message }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Anything else still gets an answer, so a client never waits for its timeout.
            await ReplyAsync(context, HttpStatusCode.InternalServerError, new { error = $"{e.GetType().Name}: {e.Message}" }).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "status endpoint refused {Method} {Path} from {RemoteAddress}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string remoteAddress, string reason);

    private static async Task<RunSpec> ReadSpecAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body).ConfigureAwait(false);
        return RunSpecs.Parse(body.ToArray());
    }

    /// <summary>The body of POST /cluster/leave and /cluster/down: {"address": "akka.tcp://melm@HOST:PORT"} (or "HOST:PORT").</summary>
    private static async Task<string> ReadAddressAsync(HttpRequest request)
    {
        var body = await JsonSerializer.DeserializeAsync<MemberRequest>(request.Body, ClusterJson.Options).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(body?.Address) ? throw new RunRequestException("the body names no member: {\"address\": \"akka.tcp://melm@HOST:PORT\"}") : body.Address;
    }

    private static async Task ReplyAsync(HttpContext context, HttpStatusCode code, object body)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body, body.GetType(), ClusterJson.Options));
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>
    /// The node's host answers Ctrl+C and SIGTERM, not this server's: `melm node` stops the endpoint
    /// after the node has left the cluster, so /healthz keeps answering while it leaves.
    /// </summary>
    private sealed class NodeLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
