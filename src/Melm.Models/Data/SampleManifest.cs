using System.Text.Encodings.Web;
using System.Text.Json;

namespace Melm.Models.Data;

/// <summary>A low-resource sample of train and dev: enough to check and redraw it.</summary>
public sealed record SampleManifest(int Seed, int N, SplitSample Train, SplitSample Dev)
{
    public const string FileName = "manifest.json";

    public const string Method = "uniform without replacement over all sentences (with or without entities), xoshiro256** partial Fisher-Yates seeded by SeedDerivation(seed, \"low-resource sample\"); indices 0-based, ascending";

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("seed", Seed);
            json.WriteNumber("n", N);
            json.WriteString("method", Method);
            WriteSplit(json, "train", Train);
            WriteSplit(json, "dev", Dev);
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteSplit(Utf8JsonWriter json, string name, SplitSample split)
    {
        json.WriteStartObject(name);
        json.WriteString("source", split.Source);
        json.WriteString("sha256", split.Sha256);
        json.WriteNumber("source_sentences", split.SourceSentences);
        json.WriteString("output", split.Output);
        json.WriteStartArray("indices");
        foreach (var index in split.Indices)
            json.WriteNumberValue(index);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
