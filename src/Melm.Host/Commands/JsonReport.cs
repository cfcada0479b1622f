using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>The `--json OUT` file of a command: one indented object; a path that cannot be written is bad input.</summary>
internal static class JsonReport
{
    public static void Write(string path, Action<Utf8JsonWriter> body)
    {
        try
        {
            using var stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot write the JSON report: {e.Message}");
        }
    }
}
