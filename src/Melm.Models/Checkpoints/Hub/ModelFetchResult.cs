namespace Melm.Models.Checkpoints.Hub;

/// <summary>How a file came to be in the folder.</summary>
public enum FetchedFileOutcome
{
    /// <summary>Downloaded from the first byte.</summary>
    Downloaded,

    /// <summary>Completed from a partial file left by an earlier run.</summary>
    Resumed,

    /// <summary>Already present and verified; nothing was downloaded.</summary>
    AlreadyPresent,
}

/// <summary>One verified file of the fetched folder.</summary>
/// <param name="Path">Path inside the repository (and inside the folder).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, hex.</param>
/// <param name="Outcome">Whether it was downloaded, resumed or already there.</param>
public sealed record FetchedFile(string Path, long Size, string Sha256, FetchedFileOutcome Outcome);

/// <summary>The outcome of a fetch: every file is in the folder and verified.</summary>
/// <param name="Revision">The repository at the commit that was fetched.</param>
/// <param name="OutputDirectory">The folder, absolute.</param>
/// <param name="Files">The fetched files, in download order.</param>
/// <param name="ManifestPath">The `.melm-fetch.json` written into the folder.</param>
public sealed record ModelFetchResult(HubRevision Revision, string OutputDirectory, IReadOnlyList<FetchedFile> Files, string ManifestPath);
