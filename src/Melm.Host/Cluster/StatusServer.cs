using System.Net;
using System.Text;
using System.Text.Json;
using Melm.Actors.Protocol.Commands;
using Melm.Models.Runs;

namespace Melm.Host.Cluster;

/// <summary>
/// The coordinator node's HTTP endpoint (loopback unless told otherwise): GET /status is the
/// ClusterReport as JSON; POST /runs starts the RunSpec in the body; POST /runs/ID/resume and
/// /runs/ID/cancel continue or stop a run. `melm status`, `melm submit`, `melm resume` and `melm
/// cancel` are its clients.
/// </summary>
internal sealed class StatusServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly MelmNode _node;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StatusServer(MelmNode node, string host, int port)
    {
        _node = node;
        Url = $"http://{host}:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
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
        try
        {
            object body = (request.HttpMethod, parts) switch
            {
                ("GET", ["status"]) => await _node.ReportAsync(_stop.Token).ConfigureAwait(false),
                ("POST", ["runs"]) => await _node.AskAsync(new StartRun(await ReadSpecAsync(request).ConfigureAwait(false)), _stop.Token).ConfigureAwait(false),
                ("POST", ["runs", var runId, "resume"]) => await _node.AskAsync(new ResumeRun(runId), _stop.Token).ConfigureAwait(false),
                ("POST", ["runs", var runId, "cancel"]) => await _node.AskAsync(new CancelRun(runId), _stop.Token).ConfigureAwait(false),
                _ => throw new RunRequestException($"no such endpoint: {request.HttpMethod} {path} (GET /status, POST /runs, POST /runs/ID/resume, POST /runs/ID/cancel)"),
            };
            await ReplyAsync(context, HttpStatusCode.OK, body).ConfigureAwait(false);
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

    private static async Task<RunSpec> ReadSpecAsync(HttpListenerRequest request)
    {
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body).ConfigureAwait(false);
        return RunSpecs.Parse(body.ToArray());
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
