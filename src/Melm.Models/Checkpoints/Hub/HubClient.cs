using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Melm.Models.Diagnostics;

namespace Melm.Models.Checkpoints.Hub;

/// <summary>
/// The two hub calls a fetch makes: list a repository at a revision, and GET one file at a commit
/// (optionally from a byte offset). Maps the hub's error answers to messages a user can act on.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 10;

    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly string? token;

    public HubClient(Uri endpoint, string? token, TimeSpan stallTimeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        this.endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/");
        this.token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        StallTimeout = stallTimeout;
        // Redirects are followed by hand so the token goes to the hub only, never to the CDN it redirects to.
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = stallTimeout,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("melm", "1.0"));
    }

    public TimeSpan StallTimeout { get; }

    /// <summary>Lists the repository's files at the revision, with sizes and checksums (`?blobs=true`).</summary>
    public async Task<HubRevision> GetRevisionAsync(string name, string revision, CancellationToken cancellationToken)
    {
        var uri = new Uri(endpoint, $"api/models/{EscapePath(name)}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
        using var response = await SendAsync(uri, 0, cancellationToken).ConfigureAwait(false);
        ThrowUnlessSuccess(response, name, revision, file: null);
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new HubFetchException($"{name}: the connection dropped while listing the repository ({e.Message}); run the command again", e);
        }
        return ParseRevision(name, revision, body);
    }

    /// <summary>
    /// GETs a file at a commit, from <paramref name="offset"/> when it is positive. Returns the open
    /// response when it is 200, 206 or 416 (the caller decides what a range answer means).
    /// </summary>
    public async Task<HttpResponseMessage> GetFileAsync(string name, string commit, string path, long offset, CancellationToken cancellationToken)
    {
        var uri = new Uri(endpoint, $"{EscapePath(name)}/resolve/{Uri.EscapeDataString(commit)}/{EscapePath(path)}");
        var response = await SendAsync(uri, offset, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            return response;
        try
        {
            ThrowUnlessSuccess(response, name, commit, path);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    public void Dispose() => http.Dispose();

    internal static HubRevision ParseRevision(string name, string revision, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sha", out var sha) || sha.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("siblings", out var siblings) || siblings.ValueKind != JsonValueKind.Array)
            {
                throw new HubFetchException($"{name}: the hub's answer for revision {revision} has no commit \"sha\" or no \"siblings\" list; is the endpoint a Hugging Face hub?");
            }
            var files = new List<HubFile>();
            foreach (var sibling in siblings.EnumerateArray())
            {
                if (sibling.ValueKind != JsonValueKind.Object || !sibling.TryGetProperty("rfilename", out var path) || path.ValueKind != JsonValueKind.String)
                    throw new HubFetchException($"{name}: the hub listed a file without an \"rfilename\"");
                long? size = Int64OrNull(sibling, "size");
                string? sha256 = null;
                if (sibling.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
                {
                    sha256 = StringOrNull(lfs, "sha256")?.ToLowerInvariant();
                    size = Int64OrNull(lfs, "size") ?? size;
                }
                files.Add(new HubFile(path.GetString()!, size, sha256, StringOrNull(sibling, "blobId")?.ToLowerInvariant()));
            }
            return new HubRevision(name, revision, sha.GetString()!, files);
        }
        catch (JsonException e)
        {
            throw new HubFetchException($"{name}: the hub's answer for revision {revision} is not JSON ({e.Message}); is the endpoint a Hugging Face hub?", e);
        }
    }

    private static long? Int64OrNull(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static string? StringOrNull(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private async Task<HttpResponseMessage> SendAsync(Uri uri, long offset, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (token is not null && IsHub(uri))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (offset > 0)
                request.Headers.Range = new RangeHeaderValue(offset, null);

            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(StallTimeout);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HubFetchException($"{Origin(uri)} did not answer within {StallTimeout.TotalSeconds:0} s; check the network and run the command again", e);
            }
            catch (HttpRequestException e)
            {
                throw new HubFetchException($"cannot reach {Origin(uri)} ({e.Message}); check the network, or the address given by --endpoint or HF_ENDPOINT", e);
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop == MaxRedirects)
                    throw new HubFetchException($"{uri}: more than {MaxRedirects} redirects; giving up");
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }
            return response;
        }
    }

    private bool IsHub(Uri uri) => Uri.Compare(uri, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    private void ThrowUnlessSuccess(HttpResponseMessage response, string name, string revision, string? file)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = (int)response.StatusCode;
        var errorCode = response.Headers.TryGetValues("X-Error-Code", out var codes) ? codes.FirstOrDefault() : null;
        var what = file is null ? "" : $"{file}: ";
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                throw new InputException(name, null, what + (token is null
                    ? "the hub refused access (401): the model is private or gated, or has another name; set HF_TOKEN to an access token that can read it"
                    : "the hub refused the token in HF_TOKEN (401): check that it is valid and can read this model, and that the name is right"));
            case HttpStatusCode.Forbidden:
                throw new InputException(name, null, what + (token is null
                    ? "access denied (403): the model is gated or private; accept its terms on its hub page and set HF_TOKEN to an access token"
                    : "access denied (403): the token in HF_TOKEN has not been granted access; accept the model's terms on its hub page"));
            case HttpStatusCode.NotFound when errorCode == "RevisionNotFound":
                throw new InputException(name, null, $"no revision '{revision}' (404); give a branch, tag or commit of this model with --revision");
            case HttpStatusCode.NotFound when file is not null && errorCode != "RepoNotFound":
                throw new HubFetchException($"{name}: {file} is listed at commit {revision} but the hub has no such file (404)");
            case HttpStatusCode.NotFound:
                throw new InputException(name, null, $"no such model at {Origin(endpoint)} (404); check the name (owner/model)");
            default:
                throw new HubFetchException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {what}the hub answered {status} {response.ReasonPhrase} for {response.RequestMessage?.RequestUri}; try again later"));
        }
    }
}
