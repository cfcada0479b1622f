namespace Melm.Models.Checkpoints.Hub;

/// <summary>One file of a hub repository at a commit, as the hub lists it.</summary>
/// <param name="Path">Path inside the repository, '/'-separated (the hub's `rfilename`).</param>
/// <param name="Size">Size in bytes, or null when the hub did not say.</param>
/// <param name="Sha256">SHA-256 of the content (hex) for files stored in Git LFS; null for plain git files.</param>
/// <param name="GitBlobId">The git blob id (SHA-1 hex) when the hub gives it. For LFS files it names the pointer, not the content.</param>
public sealed record HubFile(string Path, long? Size, string? Sha256, string? GitBlobId)
{
    /// <summary>Whether the content lives in Git LFS, so the hub vouches for it with a SHA-256.</summary>
    public bool IsLfs => Sha256 is not null;
}
