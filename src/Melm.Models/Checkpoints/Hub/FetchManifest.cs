using System.Text.Json;
using Melm.Models.Data;

namespace Melm.Models.Checkpoints.Hub;

/// <summary>
/// `.melm-fetch.json`: where a fetched folder came from (name, revision, commit, endpoint) and
/// every file with its size and SHA-256, so a run can record exactly which weights it used.
/// </summary>
public static class FetchManifest
{
    public const string FileName = ".melm-fetch.json";

    /// <summary>Writes the manifest into the folder (through a temporary file, so a crash leaves the old one or none).</summary>
    internal static string Write(Uri endpoint, HubRevision revision, string folder, IReadOnlyList<FetchedFile> files)
    {
        var path = Path.Combine(folder, FileName);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", revision.Name);
            json.WriteString("revision", revision.Revision);
            json.WriteString("commit", revision.Commit);
            json.WriteString("endpoint", endpoint.AbsoluteUri);
            json.WriteStartArray("files");
            foreach (var file in files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteNumber("size", file.Size);
                json.WriteString("sha256", file.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        AtomicFile.Write(path, stream.ToArray());
        return path;
    }
}
