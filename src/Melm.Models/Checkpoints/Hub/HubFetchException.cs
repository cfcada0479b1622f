namespace Melm.Models.Checkpoints.Hub;

/// <summary>
/// A fetch failed for a reason the user cannot fix in their command line: the network dropped, the
/// server answered oddly, a download did not match its checksum, the disk refused a write. The
/// message says what happened and what to do; the command line prints it without a stack trace.
/// </summary>
public sealed class HubFetchException : Exception
{
    public HubFetchException(string message)
        : base(message)
    {
    }

    public HubFetchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
