namespace Melm.Models.Checkpoints.Hub;

/// <summary>Where one file of a fetch stands.</summary>
public enum FetchFileState
{
    /// <summary>Already in the folder and verified; not downloaded again.</summary>
    Skipped,

    /// <summary>A download (re)starts; <see cref="FetchProgress.BytesDone"/> is the resume offset, 0 when from scratch.</summary>
    Started,

    /// <summary>More bytes arrived.</summary>
    Receiving,

    /// <summary>All bytes are in; the checksum is being computed.</summary>
    Verifying,

    /// <summary>Verified and moved to its final name.</summary>
    Completed,
}

/// <summary>A progress report for one file of a fetch.</summary>
/// <param name="File">Path inside the repository.</param>
/// <param name="State">What just happened.</param>
/// <param name="BytesDone">Bytes of the file on disk so far.</param>
/// <param name="TotalBytes">The file's size, or null when unknown.</param>
public sealed record FetchProgress(string File, FetchFileState State, long BytesDone, long? TotalBytes);
