using System.Net;
using System.Text;
using System.Text.Json;
using Melm.Actors.Protocol.Commands;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;
using Microsoft.Extensions.Logging;

namespace Melm.Host.Cluster;

/// <summary>
/// A node's HTTP endpoint (loopback unless told otherwise). Every node answers GET /healthz
/// (liveness) and GET /ready (readiness) with its health checks (NodeHealth), 200 or 503, and GET
/// /metrics in Prometheus text through the exporter that shares its port (NodeMetrics). A
/// coordinator also serves the runs: GET /status is the ClusterReport as JSON; POST /runs starts
/// the RunSpec in the body; POST /runs/ID/resume and /runs/ID/cancel continue or stop a run; GET
/// /cluster, POST /cluster/leave and /cluster/down show the members and change one. `melm status`,
/// `melm submit`, `melm resume`, `melm cancel`, `melm cluster` and `melm health` are its clients. With an API token, every verb but GET needs it ("Authorization: Bearer
/// TOKEN"); a request without it, or with another, gets 401 and its caller's address is logged.
/// </summary>
internal sealed partial class StatusServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly MelmNode _node;
    private readonly ApiToken? _token;
    private readonly bool _servesRuns;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="servesRuns">A coordinator: /status and the runs' verbs besides the health probes.</param>
    public StatusServer(MelmNode node, string host, int port, ApiToken? token, bool servesRuns)
    {
        _node = node;
        _token = token;
        _servesRuns = servesRuns;
        _logger = node.LoggerFactory.CreateLogger<StatusServer>();
        Url = $"http://{host}:{port}/";
        // HttpListener takes "+" for every interface; "0.0.0.0" and "::" mean the same to everyone else.
        _listener.Prefixes.Add(host is "0.0.0.0" or "::" or "[::]" ? $"http://+:{port}/" : Url);
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new InputException("--status-host/--status-port", null, $"cannot serve the status endpoint on {Url}: {e.Message}");
        }
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // The listener was stopped while it waited for a request: the loop's normal end.
        }
        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync().ConfigureAwait(false);
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url?.AbsolutePath.TrimEnd('/') ?? "";
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (request.HttpMethod != "GET" && _token is not null && !_token.Accepts(request.Headers["Authorization"]))
        {
            var reason = request.Headers["Authorization"] is null ? "no API token" : "a wrong API token";
            LogRefused(_logger, request.HttpMethod, path, request.RemoteEndPoint?.ToString() ?? "an unknown address", reason);
            context.Response.AddHeader("WWW-Authenticate", "Bearer");
            await ReplyAsync(context, HttpStatusCode.Unauthorized, new
            {
                error = $"unauthorized: {request.HttpMethod} {path} came with {reason}; this node requires its API token as \"Authorization: Bearer TOKEN\" (melm commands send MELM_API_TOKEN or the file named by --token-file)",
            }).ConfigureAwait(false);
            return;
        }
        try
        {
            if (request.HttpMethod == "GET" && parts is ["healthz"] or ["ready"])
            {
                var health = HealthAnswer.From(await _node.CheckHealthAsync(readiness: parts[0] == "ready", _stop.Token).ConfigureAwait(false));
                await ReplyAsync(context, health.IsUp ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, health).ConfigureAwait(false);
                return;
            }
            if (parts is ["metrics", ..])
            {
                // The exporter's listener owns /metrics/ on this port while it runs (NodeMetrics); a scrape reaches this one as the node stops, or when --metrics-port is another.
                await ReplyAsync(context, HttpStatusCode.ServiceUnavailable, new { error = "no metrics on this port: the node is stopping, or serves them on its --metrics-port" }).ConfigureAwait(false);
                return;
            }
            if (!_servesRuns)
            {
                await ReplyAsync(context, HttpStatusCode.NotFound, new
                {
                    error = $"no such endpoint on a worker node: {request.HttpMethod} {path} (GET /healthz, GET /ready, GET /metrics; the coordinator serves the runs)",
                }).ConfigureAwait(false);
                return;
            }
            object body = (request.HttpMethod, parts) switch
            {
                ("GET", ["status"]) => await _node.ReportAsync(_stop.Token).ConfigureAwait(false),
                ("POST", ["runs"]) => await _node.AskAsync(new StartRun(await ReadSpecAsync(request).ConfigureAwait(false)), _stop.Token).ConfigureAwait(false),
                ("POST", ["runs", var runId, "resume"]) => await _node.AskAsync(new ResumeRun(runId), _stop.Token).ConfigureAwait(false),
                ("POST", ["runs", var runId, "cancel"]) => await _node.AskAsync(new CancelRun(runId), _stop.Token).ConfigureAwait(false),
                ("GET", ["cluster"]) => await _node.ClusterViewAsync(_stop.Token).ConfigureAwait(false),
                ("POST", ["cluster", "leave" or "down"]) => _node.ChangeMember(await ReadAddressAsync(request).ConfigureAwait(false), down: parts[1] == "down"),
                _ => throw new RunRequestException($"no such endpoint: {request.HttpMethod} {path} (GET /status, GET /cluster, GET /healthz, GET /ready, GET /metrics, POST /runs, POST /runs/ID/resume, POST /runs/ID/cancel, POST /cluster/leave, POST /cluster/down)"),
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

    private static async Task<RunSpec> ReadSpecAsync(HttpListenerRequest request)
    {
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body).ConfigureAwait(false);
        return RunSpecs.Parse(body.ToArray());
    }

    /// <summary>The body of POST /cluster/leave and /cluster/down: {"address": "akka.tcp://melm@HOST:PORT"} (or "HOST:PORT").</summary>
    private static async Task<string> ReadAddressAsync(HttpListenerRequest request)
    {
        var body = await JsonSerializer.DeserializeAsync<MemberRequest>(request.InputStream, ClusterJson.Options).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(body?.Address) ? throw new RunRequestException("the body names no member: {\"address\": \"akka.tcp://melm@HOST:PORT\"}") : body.Address;
    }

    private static async Task ReplyAsync(HttpListenerContext context, HttpStatusCode code, object body)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body, body.GetType(), ClusterJson.Options));
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }
}
