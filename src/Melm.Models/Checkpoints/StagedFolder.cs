namespace Melm.Models.Checkpoints;

/// <summary>
/// Writes a set of files into a folder as one checkpoint: all of them first into a staging subfolder,
/// then each moved over its old version, the marker (the file a reader checks before it trusts the folder)
/// deleted first and moved in last. A full disk or an unwritable folder fails while staging and leaves the
/// folder's last good checkpoint as it was; a crash while moving leaves no marker, so a half-moved
/// checkpoint is never loaded.
/// </summary>
public static class StagedFolder
{
    public const string StagingName = ".partial";

    /// <param name="folder">The folder the files end up in (created if missing).</param>
    /// <param name="marker">The file <paramref name="write"/> must write, moved in last.</param>
    /// <param name="write">Writes the files (no subfolders) into the staging folder it is given.</param>
    /// <param name="owned">Other names the checkpoint may hold: one <paramref name="write"/> did not write is deleted from the folder, so no stale one stays.</param>
    /// <param name="destination">
    /// The folder a staged file (by name) moves to when it is not <paramref name="folder"/>: a checkpoint
    /// whose weights sit beside its state folder. It must be on the same file system; the marker always
    /// goes to <paramref name="folder"/>.
    /// </param>
    public static void Write(string folder, string marker, Action<string> write, IReadOnlyList<string>? owned = null, Func<string, string>? destination = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        var staging = Path.Combine(folder, StagingName);
        try
        {
            Directory.CreateDirectory(folder);
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
            Directory.CreateDirectory(staging);
            write(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw new CheckpointWriteException(folder, e);
        }
        if (!File.Exists(Path.Combine(staging, marker)) || Directory.GetDirectories(staging).Length > 0)
            throw new InvalidOperationException($"a staged checkpoint must hold its marker {marker} and no folders");
        try
        {
            // Renames within one file system: they take no room, so a full disk does not stop them.
            File.Delete(Path.Combine(folder, marker));
            foreach (var name in (owned ?? []).Where(n => !File.Exists(Path.Combine(staging, n))))
                File.Delete(Path.Combine(folder, name));
            foreach (var file in Directory.GetFiles(staging).Where(f => Path.GetFileName(f) != marker))
                File.Move(file, Path.Combine(destination?.Invoke(Path.GetFileName(file)) ?? folder, Path.GetFileName(file)), overwrite: true);
            File.Move(Path.Combine(staging, marker), Path.Combine(folder, marker), overwrite: true);
            Directory.Delete(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointWriteException(folder, e);
        }
    }

    private static void TryDelete(string staging)
    {
        try
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next write starts by deleting it again.
        }
    }
}
