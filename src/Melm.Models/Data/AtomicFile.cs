namespace Melm.Models.Data;

/// <summary>
/// Writes a whole file through a temporary file beside it (PATH.tmp) and a rename, so a crash or a
/// full disk leaves the previous file or none, never half a file under the final name (resumable
/// work trusts every file it finds). The bytes reach the disk before the rename, so a power cut
/// after it does not leave an empty file either. A write that fails removes its temporary file; one
/// killed mid-write leaves it, and the next write of the same file replaces it.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw;
        }
    }
}
