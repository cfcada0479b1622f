using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Data;

namespace Melm.Models.Baselines;

/// <summary>
/// Writes a method's output folder: aug.conll and aug.jsonl (the rewrites; the JSON Lines carry
/// provenance), substitutions.jsonl (<see cref="SubstitutionLog"/>) and summary.json (method,
/// description, counts by reason, plus what the caller adds).
/// </summary>
public static class AugmentationWriter
{
    public const string ConllFile = "aug.conll";
    public const string JsonLinesFile = "aug.jsonl";
    public const string SubstitutionsFile = "substitutions.jsonl";
    public const string SummaryFile = "summary.json";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <param name="extraSummary">Writes more properties into summary.json's top-level object.</param>
    public static void Write(AugmentationResult result, string folder, Action<Utf8JsonWriter>? extraSummary = null)
    {
        Directory.CreateDirectory(folder);
        var sentences = result.Sentences;
        ConllWriter.WriteSentences(sentences, Path.Combine(folder, ConllFile));
        JsonLines.Write(sentences, Path.Combine(folder, JsonLinesFile));
        File.WriteAllBytes(Path.Combine(folder, SubstitutionsFile), SubstitutionLog.Serialize(result.Rewrites));
        File.WriteAllBytes(Path.Combine(folder, SummaryFile), SerializeSummary(result, extraSummary));
    }

    public static byte[] SerializeSummary(AugmentationResult result, Action<Utf8JsonWriter>? extra = null)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options with { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("method", result.Method);
            json.WriteString("description", result.Description);
            json.WriteNumber("rewrites", result.Rewrites.Count);
            Counts(json, "sentence_counts", result.SentenceCounts);
            Counts(json, "mention_counts", result.MentionCounts);
            extra?.Invoke(json);
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void Counts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, int> counts)
    {
        json.WriteStartObject(name);
        foreach (var (reason, count) in counts)
            json.WriteNumber(reason, count);
        json.WriteEndObject();
    }
}
