using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Host.Cluster;

/// <summary>
/// Talks to a node's endpoint (StatusServer) over HTTP or HTTPS, with the node's API token when it
/// has one. Over HTTPS the node's certificate must chain to the system's trusted roots or to the
/// certificate given as trusted (--ca-cert: a self-signed node certificate or a private CA), and
/// name the host of the URL.
/// </summary>
internal sealed class StatusClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _hasToken;
    private readonly X509Certificate2? _trusted;

    /// <summary>Why the last TLS handshake refused the node's certificate; null when none was refused.</summary>
    private volatile string? _refusal;

    public StatusClient(string url, ApiToken? token = null, X509Certificate2? trusted = null)
    {
        _trusted = trusted;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Accepts(certificate, chain, errors);
        _http = new HttpClient(handler) { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        _hasToken = token is not null;
    }

    public static Uri Check(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InputException("--url", null, $"'{url}' is not an http:// or https:// address such as http://127.0.0.1:4080");

    /// <summary>The certificate to trust for an https:// URL, from a PEM or DER file; a missing or unreadable file is bad input that names it.</summary>
    public static X509Certificate2 LoadTrusted(string path)
    {
        if (!File.Exists(path))
            throw new InputException(path, null, "no such file: --ca-cert names the certificate (PEM or DER) to trust for the node's HTTPS");
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new InputException(path, null,
                $"not a certificate in PEM or DER: {e.Message} (from a PKCS#12 file, export the certificate alone: openssl pkcs12 -in node.pfx -nokeys -out node.crt)");
        }
    }

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
            throw new RunRequestException(NoAnswer("node", e));
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

    /// <summary>Why a request got no answer, with what to do when HTTP met HTTPS or the certificate was not trusted.</summary>
    private string NoAnswer(string who, HttpRequestException e)
    {
        var message = $"no {who} answers at {_http.BaseAddress}: {e.Message}";
        var https = _http.BaseAddress!.Scheme == Uri.UriSchemeHttps;
        if (https && e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return _refusal is { } refusal
                ? $"{message} (the node's certificate is not trusted here: {refusal}; give --ca-cert with the node's certificate or the CA that issued it, in PEM or DER)"
                : $"{message} ({e.InnerException?.Message}; no TLS handshake: is HTTPS on at the node (\"endpointTls\" in its settings)? For a plain-HTTP node use an http:// --url)";
        }
        if (!https && e.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
            return $"{message} (a node with HTTPS on ends plain-HTTP connections: use an https:// --url)";
        return message;
    }

    /// <summary>
    /// The node's certificate: valid for the system (the default), or chaining to the trusted
    /// certificate; either way it must name the host of the URL. A refusal is kept for the message.
    /// </summary>
    private bool Accepts(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _refusal = null;
        if (errors == SslPolicyErrors.None)
            return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            _refusal = "the node presented no certificate";
        else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            _refusal = $"it does not name {_http.BaseAddress!.Host} (its subject is {certificate.Subject}; connect by a name or address it holds)";
        else if (_trusted is null)
            _refusal = $"{Statuses(chain)} (the system's trusted roots do not vouch for it)";
        else
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(_trusted);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // What the node sent besides its own certificate (intermediate CAs) helps build the chain.
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (custom.Build(leaf))
                return true;
            _refusal = $"{Statuses(custom)} (it does not chain to the --ca-cert certificate {_trusted.Subject})";
        }
        return false;
    }

    private static string Statuses(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0 ? "its chain is invalid" : string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));

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
            throw new RunRequestException(NoAnswer("coordinator", e));
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
