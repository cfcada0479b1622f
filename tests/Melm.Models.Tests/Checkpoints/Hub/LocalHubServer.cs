using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Melm.Models.Tests.Checkpoints.Hub;

/// <summary>One request the server answered: what a test asserts the client sent.</summary>
public sealed record SeenRequest(string Path, string? Range, string? Authorization);

/// <summary>
/// A minimal Hugging Face hub for one repository, on 127.0.0.1 at a free port: the revision API
/// (`?blobs=true` listing), `resolve` downloads with Range support, and LFS files redirected to a
/// `/cdn/{sha256}` address the way the hub sends them to its CDN. Faults are switched by properties.
/// Each connection carries one request and is closed, so a cut is easy to stage and nothing lingers.
/// </summary>
public sealed class LocalHubServer : IAsyncDisposable
{
    public const string CommitSha = "0123456789abcdef0123456789abcdef01234567";

    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;
    private readonly string name;
    private readonly IReadOnlyDictionary<string, byte[]> files;

    public LocalHubServer(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        this.name = name;
        this.files = files;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Endpoint = new Uri($"http://127.0.0.1:{Port}");
        acceptLoop = AcceptAsync();
    }

    /// <summary>A server for the files of a folder (recursively), e.g. a fixture model folder.</summary>
    public static LocalHubServer ForFolder(string name, string folder) =>
        new(name, Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes, StringComparer.Ordinal));

    public int Port { get; }

    public Uri Endpoint { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>The next download of this file sends this many body bytes, then closes the connection.</summary>
    public (string File, int Bytes)? CutNextDownload { get; set; }

    /// <summary>The next download of this file sends this many body bytes, then goes silent until the connection times out.</summary>
    public (string File, int Bytes)? StallNextDownload { get; set; }

    /// <summary>Answer Range requests with the whole file (200), as servers without range support do.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Every request gets this status (and `X-Error-Code` when given) instead of an answer.</summary>
    public (HttpStatusCode Status, string? ErrorCode)? ForcedStatus { get; set; }

    /// <summary>Hub requests (not CDN ones) need `Authorization: Bearer {token}`, else 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Lies the listing tells: a file's advertised LFS sha256 or git blob id.</summary>
    public Dictionary<string, string> AdvertisedSha256 { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> AdvertisedBlobId { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, LFS redirects go to this host name (same port) instead of a relative address.</summary>
    public string? CdnHost { get; set; }

    public IEnumerable<SeenRequest> Downloads(string file) =>
        Requests.Where(r => r.Path.EndsWith("/" + file, StringComparison.Ordinal) || (IsLfs(file) && r.Path == "/cdn/" + Sha256(files[file])));

    public static bool IsLfs(string path) =>
        path.EndsWith(".safetensors", StringComparison.Ordinal) || path.EndsWith(".bin", StringComparison.Ordinal)
        || path.EndsWith(".model", StringComparison.Ordinal) || path.EndsWith(".msgpack", StringComparison.Ordinal);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string GitBlobId(byte[] content)
    {
#pragma warning disable CA5350 // git's object id is SHA-1 by definition
        return Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
#pragma warning restore CA5350
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
        {
            timeout.CancelAfter(ConnectionTimeout);
            try
            {
                var stream = client.GetStream();
                var (target, headers) = await ReadRequestAsync(stream, timeout.Token);
                var path = target.Split('?')[0];
                headers.TryGetValue("range", out var range);
                headers.TryGetValue("authorization", out var authorization);
                Requests.Enqueue(new SeenRequest(path, range, authorization));
                await AnswerAsync(stream, path, range, authorization, timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away or the test ended: nothing to answer.
            }
        }
    }

    private static async Task<(string Target, Dictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (head.Count > 16384 || await stream.ReadAsync(one, cancellationToken) == 0)
                throw new IOException("no complete request head");
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        return (lines[0].Split(' ')[1], headers);
    }

    private async Task AnswerAsync(NetworkStream stream, string path, string? range, string? authorization, CancellationToken cancellationToken)
    {
        if (ForcedStatus is { } forced)
        {
            await WriteAsync(stream, forced.Status, forced.ErrorCode is null ? [] : [("X-Error-Code", forced.ErrorCode)], [], cancellationToken);
            return;
        }
        var isCdn = path.StartsWith("/cdn/", StringComparison.Ordinal);
        if (!isCdn && RequiredToken is not null && authorization != "Bearer " + RequiredToken)
        {
            await WriteAsync(stream, HttpStatusCode.Unauthorized, [], [], cancellationToken);
            return;
        }

        var api = $"/api/models/{name}/revision/";
        var resolve = $"/{name}/resolve/";
        if (path.StartsWith(api, StringComparison.Ordinal))
        {
            var revision = Uri.UnescapeDataString(path[api.Length..]);
            if (revision is not ("main" or CommitSha))
                await WriteAsync(stream, HttpStatusCode.NotFound, [("X-Error-Code", "RevisionNotFound")], [], cancellationToken);
            else
                await WriteAsync(stream, HttpStatusCode.OK, [("Content-Type", "application/json")], Listing(), cancellationToken);
        }
        else if (path.StartsWith(resolve, StringComparison.Ordinal))
        {
            var rest = path[resolve.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var revision = Uri.UnescapeDataString(rest[..slash]);
            var file = string.Join('/', rest[(slash + 1)..].Split('/').Select(Uri.UnescapeDataString));
            if (revision is not ("main" or CommitSha))
                await WriteAsync(stream, HttpStatusCode.NotFound, [("X-Error-Code", "RevisionNotFound")], [], cancellationToken);
            else if (!files.TryGetValue(file, out var content))
                await WriteAsync(stream, HttpStatusCode.NotFound, [("X-Error-Code", "EntryNotFound")], [], cancellationToken);
            else if (IsLfs(file))
                await WriteAsync(stream, HttpStatusCode.Found, [("Location", CdnAddress(Sha256(content)))], [], cancellationToken);
            else
                await SendFileAsync(stream, file, content, range, cancellationToken);
        }
        else if (isCdn && files.FirstOrDefault(f => IsLfs(f.Key) && "/cdn/" + Sha256(f.Value) == path) is { Key: not null } lfs)
        {
            await SendFileAsync(stream, lfs.Key, lfs.Value, range, cancellationToken);
        }
        else
        {
            await WriteAsync(stream, HttpStatusCode.NotFound, [("X-Error-Code", "RepoNotFound")], [], cancellationToken);
        }
    }

    private string CdnAddress(string sha256) => CdnHost is null ? "/cdn/" + sha256 : $"http://{CdnHost}:{Port}/cdn/{sha256}";

    private byte[] Listing()
    {
        var siblings = files.Keys.Order(StringComparer.Ordinal).Select(path =>
        {
            var content = files[path];
            if (!IsLfs(path))
                return (object)new { rfilename = path, blobId = AdvertisedBlobId.GetValueOrDefault(path, GitBlobId(content)), size = content.Length };
            var sha256 = AdvertisedSha256.GetValueOrDefault(path, Sha256(content));
            var pointer = Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {content.Length}\n");
            return new { rfilename = path, blobId = GitBlobId(pointer), size = content.Length, lfs = new { sha256, size = content.Length, pointerSize = pointer.Length } };
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { id = name, modelId = name, sha = CommitSha, @private = false, siblings });
    }

    private async Task SendFileAsync(NetworkStream stream, string file, byte[] content, string? range, CancellationToken cancellationToken)
    {
        var from = 0;
        if (range is not null && !IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            from = int.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
        if (from >= content.Length && from > 0)
        {
            await WriteAsync(stream, HttpStatusCode.RequestedRangeNotSatisfiable, [("Content-Range", $"bytes */{content.Length}")], [], cancellationToken);
            return;
        }
        var body = content.AsMemory(from);
        (string, string)[] headers = from > 0 ? [("Content-Range", $"bytes {from}-{content.Length - 1}/{content.Length}")] : [];
        var status = from > 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK;
        if (CutNextDownload is { } cut && cut.File == file)
        {
            CutNextDownload = null;
            await WriteHeadAsync(stream, status, headers, body.Length, cancellationToken);
            await stream.WriteAsync(body[..Math.Min(cut.Bytes, body.Length)], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            return;   // closing the connection short of Content-Length is the cut
        }
        if (StallNextDownload is { } stall && stall.File == file)
        {
            StallNextDownload = null;
            await WriteHeadAsync(stream, status, headers, body.Length, cancellationToken);
            await stream.WriteAsync(body[..Math.Min(stall.Bytes, body.Length)], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        await WriteHeadAsync(stream, status, headers, body.Length, cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
    }

    private static async Task WriteAsync(NetworkStream stream, HttpStatusCode status, (string, string)[] headers, byte[] body, CancellationToken cancellationToken)
    {
        await WriteHeadAsync(stream, status, headers, body.Length, cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
    }

    private static async Task WriteHeadAsync(NetworkStream stream, HttpStatusCode status, (string Name, string Value)[] headers, long length, CancellationToken cancellationToken)
    {
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)status} {status}\r\nContent-Length: {length}\r\nConnection: close\r\n");
        foreach (var (header, value) in headers)
            head.Append(CultureInfo.InvariantCulture, $"{header}: {value}\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
    }
}
