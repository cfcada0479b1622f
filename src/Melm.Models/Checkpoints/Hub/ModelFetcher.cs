using System.Net;
using System.Text.RegularExpressions;
using Melm.Models.Diagnostics;

namespace Melm.Models.Checkpoints.Hub;

/// <summary>
/// Downloads a model folder from a Hugging Face hub: lists the repository at a revision, fetches
/// each chosen file at the resolved commit into `file.incomplete` (resuming a partial file with an
/// HTTP Range request), verifies size and checksum, and only then gives it its final name. Files
/// already present and verified are skipped. Writes <see cref="FetchManifest.FileName"/> last.
/// </summary>
public static partial class ModelFetcher
{
    /// <summary>Suffix of a file still being downloaded; a later fetch resumes from its length.</summary>
    public const string PartialSuffix = ".incomplete";

    public static async Task<ModelFetchResult> FetchAsync(ModelFetchRequest request, IProgress<FetchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var folder = Path.GetFullPath(request.OutputDirectory);
        using var client = new HubClient(request.Endpoint, request.Token, request.StallTimeout);
        var revision = await client.GetRevisionAsync(request.Name, request.Revision, cancellationToken).ConfigureAwait(false);

        var patterns = request.FilePatterns is { Count: > 0 } given ? given.Select(p => new FilePattern(p)).ToList() : null;
        var pending = new List<HubFile>(patterns is null ? ModelFileSelection.Default(revision) : ModelFileSelection.Matching(revision, patterns));
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(folder, null, $"cannot create the output folder ({e.Message})");
        }

        var fetched = new List<FetchedFile>();
        for (var i = 0; i < pending.Count; i++)
        {
            var file = pending[i];
            if (fetched.Any(f => f.Path == file.Path))
                continue;
            var local = LocalPath(folder, revision.Name, file.Path);
            fetched.Add(await FetchFileAsync(client, revision, file, local, progress, cancellationToken).ConfigureAwait(false));
            // The shards of a sharded checkpoint are known only once its index is in.
            if (patterns is null && file.Path == ModelFileSelection.SafetensorsIndex)
            {
                var index = await File.ReadAllTextAsync(local, cancellationToken).ConfigureAwait(false);
                pending.InsertRange(i + 1, ModelFileSelection.ShardsOf(revision, file.Path, index));
            }
        }

        string manifest;
        try
        {
            manifest = FetchManifest.Write(request.Endpoint, revision, folder, fetched);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskError(Path.Combine(folder, FetchManifest.FileName), e);
        }
        return new ModelFetchResult(revision, folder, fetched, manifest);
    }

    private static void Validate(ModelFetchRequest request)
    {
        var problems = new List<InputProblem>();
        if (!ModelName().IsMatch(request.Name) || request.Name.Contains("..", StringComparison.Ordinal))
            problems.Add(new InputProblem(request.Name, null, "not a hub model name: expected owner/model or model, letters, digits, '-', '_' and '.'"));
        if (string.IsNullOrWhiteSpace(request.Revision) || request.Revision.Any(char.IsControl))
            problems.Add(new InputProblem("--revision", null, "give a branch, tag or commit"));
        if (!request.Endpoint.IsAbsoluteUri || (request.Endpoint.Scheme != Uri.UriSchemeHttp && request.Endpoint.Scheme != Uri.UriSchemeHttps))
            problems.Add(new InputProblem("--endpoint", null, $"'{request.Endpoint}' is not an http or https address"));
        if (string.IsNullOrWhiteSpace(request.OutputDirectory))
            problems.Add(new InputProblem("--out", null, "give a folder"));
        if (request.FilePatterns?.Any(string.IsNullOrWhiteSpace) == true)
            problems.Add(new InputProblem("--files", null, "an empty pattern; give globs such as *.json"));
        if (problems.Count > 0)
            throw new InputException(problems);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*(/[A-Za-z0-9_.\-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelName();

    /// <summary>The local path of a repository file, refusing names that would land outside the folder.</summary>
    private static string LocalPath(string folder, string name, string path)
    {
        var segments = path.Split('/');
        var unsafeName = segments.Any(s => s is "" or "." or ".." || s.Contains('\\', StringComparison.Ordinal) || s.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0);
        var local = unsafeName ? "" : Path.GetFullPath(Path.Combine([folder, .. segments]));
        if (unsafeName || !local.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new HubFetchException($"{name}: the hub lists a file named '{path}', which would land outside {folder}; refusing it");
        return local;
    }

    private static async Task<FetchedFile> FetchFileAsync(HubClient client, HubRevision revision, HubFile file, string local, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        if (File.Exists(local))
        {
            var length = new FileInfo(local).Length;
            if (file.Size is null || file.Size == length)
            {
                progress?.Report(new FetchProgress(file.Path, FetchFileState.Verifying, length, length));
                var digest = await FileDigest.ComputeAsync(local, cancellationToken).ConfigureAwait(false);
                if (Mismatch(file, length, digest) is null && (file.IsLfs || file.GitBlobId is not null || file.Size is not null))
                {
                    File.Delete(local + PartialSuffix);   // left by an older run; the verified file supersedes it
                    progress?.Report(new FetchProgress(file.Path, FetchFileState.Skipped, length, length));
                    return new FetchedFile(file.Path, length, digest.Sha256, FetchedFileOutcome.AlreadyPresent);
                }
            }
            // A stale or damaged copy: download afresh; it is replaced only once the new one verifies.
        }

        var partial = local + PartialSuffix;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskError(local, e);
        }
        var resumed = await DownloadAsync(client, revision, file, partial, progress, cancellationToken).ConfigureAwait(false);

        var size = new FileInfo(partial).Length;
        progress?.Report(new FetchProgress(file.Path, FetchFileState.Verifying, size, size));
        var actual = await FileDigest.ComputeAsync(partial, cancellationToken).ConfigureAwait(false);
        if (Mismatch(file, size, actual) is { } mismatch)
        {
            File.Delete(partial);
            throw new HubFetchException($"{revision.Name}: {file.Path} does not match what the hub lists: {mismatch}. The download was deleted; run the command again to download it afresh");
        }
        try
        {
            File.Move(partial, local, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskError(local, e);
        }
        progress?.Report(new FetchProgress(file.Path, FetchFileState.Completed, size, size));
        return new FetchedFile(file.Path, size, actual.Sha256, resumed ? FetchedFileOutcome.Resumed : FetchedFileOutcome.Downloaded);
    }

    /// <summary>What differs between a file on disk and the hub's listing, or null when nothing does.</summary>
    private static string? Mismatch(HubFile file, long size, FileDigest digest)
    {
        if (file.Size is { } expected && expected != size)
            return $"size expected {expected} bytes, actual {size} bytes";
        if (file.Sha256 is { } sha256 && sha256 != digest.Sha256)
            return $"sha256 expected {sha256}, actual {digest.Sha256}";
        if (!file.IsLfs && file.GitBlobId is { } blobId && blobId != digest.GitBlobId)
            return $"git blob id expected {blobId}, actual {digest.GitBlobId}";
        return null;
    }

    /// <summary>Fills the partial file, resuming from its length when the server honours a range; true when it resumed.</summary>
    private static async Task<bool> DownloadAsync(HubClient client, HubRevision revision, HubFile file, string partial, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (file.Size is { } size && offset > size)
        {
            File.Delete(partial);
            offset = 0;
        }
        if (offset > 0 && offset == file.Size)
            return true;

        while (true)
        {
            using var response = await client.GetFileAsync(revision.Name, revision.Commit, file.Path, offset, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                if (offset == 0)
                    throw new HubFetchException($"{revision.Name}: the hub refused to send {file.Path} (416 without a range request)");
                // The partial file disagrees with the server's idea of the file: start over.
                File.Delete(partial);
                offset = 0;
                continue;
            }

            var append = offset > 0 && response.StatusCode == HttpStatusCode.PartialContent;
            if (append && response.Content.Headers.ContentRange?.From != offset)
                throw new HubFetchException($"{revision.Name}: asked for {file.Path} from byte {offset}, the server answered with range '{response.Content.Headers.ContentRange}'; delete {partial} and run again");
            if (!append)
                offset = 0;   // no range support (200): the whole file comes again
            var total = file.Size ?? (response.Content.Headers.ContentLength is { } length ? length + offset : null);
            progress?.Report(new FetchProgress(file.Path, FetchFileState.Started, offset, total));
            await CopyAsync(client, revision, file, response, partial, append, offset, total, progress, cancellationToken).ConfigureAwait(false);
            return append;
        }
    }

    private static async Task CopyAsync(HubClient client, HubRevision revision, HubFile file, HttpResponseMessage response, string partial, bool append, long offset, long? total, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        FileStream output;
        try
        {
            output = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskError(partial, e);
        }

        var done = offset;
        await using (output.ConfigureAwait(false))
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var buffer = new byte[1 << 16];
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw Interrupted(revision, file, partial, done, total, e.Message, e);
            }
            while (true)
            {
                int read;
                stall.CancelAfter(client.StallTimeout);
                try
                {
                    read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Interrupted(revision, file, partial, done, total, $"no data for {client.StallTimeout.TotalSeconds:0} s", e);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw Interrupted(revision, file, partial, done, total, e.Message, e);
                }
                if (read == 0)
                    break;
                try
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw DiskError(partial, e);
                }
                done += read;
                progress?.Report(new FetchProgress(file.Path, FetchFileState.Receiving, done, total));
            }
            try
            {
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw DiskError(partial, e);
            }
        }
        if (total is { } expected && done < expected)
            throw Interrupted(revision, file, partial, done, total, "the connection ended early", null);
    }

    private static HubFetchException Interrupted(HubRevision revision, HubFile file, string partial, long done, long? total, string reason, Exception? inner)
    {
        var message = $"{revision.Name}: the download of {file.Path} stopped after {done} of {(total is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")} bytes ({reason}). "
            + $"The partial file {partial} is kept: run the same command again to resume";
        return inner is null ? new HubFetchException(message) : new HubFetchException(message, inner);
    }

    private static HubFetchException DiskError(string path, Exception e) =>
        new($"cannot write {path} ({e.Message}); check free space and permissions, then run the command again to resume", e);
}
