using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Melm.Models.Checkpoints.Hub;

/// <summary>The two hashes the hub vouches for files with: SHA-256 of the content (LFS) and git's blob id.</summary>
/// <param name="Sha256">SHA-256 of the content, lower-case hex.</param>
/// <param name="GitBlobId">SHA-1 of "blob {size}\0" followed by the content, lower-case hex.</param>
internal sealed record FileDigest(string Sha256, string GitBlobId)
{
    public static async Task<FileDigest> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Git's blob id is a SHA-1 over a header and the content; it is an identity check, not a security one.
#pragma warning disable CA5350
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        sha1.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {stream.Length}\0")));
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            sha1.AppendData(buffer, 0, read);
        }
        return new FileDigest(Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(sha1.GetHashAndReset()));
    }
}
