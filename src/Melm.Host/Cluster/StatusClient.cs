using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Host.Cluster;

/// <summary>Talks to a coordinator node's status endpoint (StatusServer), with the node's API token when it has one.</summary>
internal sealed class StatusClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _hasToken;

    public StatusClient(string url, ApiToken? token = null)
    {
        _http = new HttpClient { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        _hasToken = token is not null;
    }

    public static Uri Check(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            ? uri
            : throw new InputException("--url", null, $"'{url}' is not an http:// address such as http://127.0.0.1:4080");

    public Task<ClusterReport> StatusAsync() => SendAsync<ClusterReport>(HttpMethod.Get, "status", null);

    public Task<RunStatus> SubmitAsync(RunSpec spec) => SendAsync<RunStatus>(HttpMethod.Post, "runs", spec);

    public Task<RunStatus> ResumeAsync(string runId) => SendAsync<RunStatus>(HttpMethod.Post, $"runs/{Uri.EscapeDataString(runId)}/resume", null);

    public Task<RunStatus> CancelAsync(string runId) => SendAsync<RunStatus>(HttpMethod.Post, $"runs/{Uri.EscapeDataString(runId)}/cancel", null);

    public Task<ClusterView> ClusterAsync() => SendAsync<ClusterView>(HttpMethod.Get, "cluster", null);

    /// <summary>POST /cluster/leave or /cluster/down; an address that names no member throws UnknownMemberException.</summary>
    public Task<MemberAction> ChangeMemberAsync(string address, bool down) =>
        SendAsync<MemberAction>(HttpMethod.Post, down ? "cluster/down" : "cluster/leave", new MemberRequest(address));

    /// <summary>GET /ready (or /healthz for liveness only): whether the node answered 200, and the body that lists its checks.</summary>
    public async Task<(bool Up, HealthAnswer Answer)> HealthAsync(bool readiness)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(readiness ? "ready" : "healthz").ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RunRequestException($"no node answers at {_http.BaseAddress}: {e.Message}");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
                throw new RunRequestException($"{_http.BaseAddress} answered {(int)response.StatusCode}: {text}");
            var answer = JsonSerializer.Deserialize<HealthAnswer>(text, ClusterJson.Options) ?? throw new RunRequestException($"empty answer from {_http.BaseAddress}");
            return (response.StatusCode == HttpStatusCode.OK, answer);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: ClusterJson.Options) };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RunRequestException($"no coordinator answers at {_http.BaseAddress}: {e.Message}");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using var answer = JsonDocument.Parse(text);
                var error = answer.RootElement.TryGetProperty("error", out var message) ? message.GetString() : text;
                if (response.StatusCode == HttpStatusCode.NotFound && answer.RootElement.TryGetProperty("unknown_member", out var member))
                    throw new UnknownMemberException(member.GetString() ?? "", error ?? text);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                    error += _hasToken
                        ? $" (the coordinator at {_http.BaseAddress} did not accept the token this command sent)"
                        : $" (this command sent none: set {ApiToken.Variable} or pass --token-file)";
                throw new RunRequestException(error ?? text);
            }
            return JsonSerializer.Deserialize<T>(text, ClusterJson.Options) ?? throw new RunRequestException($"empty answer from {_http.BaseAddress}");
        }
    }
}
