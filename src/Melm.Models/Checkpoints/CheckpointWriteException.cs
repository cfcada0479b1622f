namespace Melm.Models.Checkpoints;

/// <summary>
/// A checkpoint or a saved model could not be written (a full disk, a folder that is not writable).
/// Nothing in the folder was replaced: the last good checkpoint stays, and the same command resumes from
/// it once there is room.
/// </summary>
public sealed class CheckpointWriteException(string folder, Exception inner) : IOException(
    $"cannot write a checkpoint to {folder}: {inner.Message} (a full disk or a folder that is not writable?); " +
    "nothing there was replaced, so the last good checkpoint stays, and the same command resumes from it once there is room",
    inner)
{
    public string Folder { get; } = folder;
}
