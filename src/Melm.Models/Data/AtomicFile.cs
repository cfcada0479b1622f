namespace Melm.Models.Data;

/// <summary>
/// Writes a whole file through a temporary file beside it and a rename, so a crash or a full disk
/// leaves the previous file or none, never half a file under the final name (resumable work trusts
/// every file it finds).
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
