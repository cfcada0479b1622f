using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>
/// JSON Lines corpora, one sentence per line:
/// {"id": "...", "lang": "en" or null, "tokens": [...], "ner_tags": ["B-PER", ...]} with string tags,
/// plus "provenance": {"source_id", "round", "method"} for augmented sentences and
/// "extra_columns": [[...] per token] when the sentence came from a CoNLL file with more columns.
/// Blank lines are skipped; unknown fields are a problem rather than dropped on the next write.
/// </summary>
public static class JsonLines
{

    private static readonly HashSet<string> KnownFields = ["id", "lang", "tokens", "ner_tags", "provenance", "extra_columns"];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Corpus Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the file: {e.Message}");
        }
        return Parse(bytes, path);
    }

    public static Corpus Parse(byte[] bytes, string source)
    {
        var (text, hasBom) = Utf8Text.Decode(bytes, source);
        var problems = new List<InputProblem>();
        var sentences = new List<Sentence>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var lineProblems = new List<string>();
            var sentence = ParseLine(line, i + 1, lineProblems);
            if (sentence is not null && !ids.TryAdd(sentence.Id, i + 1))
                lineProblems.Add($"duplicate id \"{sentence.Id}\" (first on line {ids[sentence.Id]})");
            problems.AddRange(lineProblems.Select(m => new InputProblem(source, i + 1, m)));
            if (sentence is not null && lineProblems.Count == 0)
                sentences.Add(sentence);
        }
        if (sentences.Count == 0 && problems.Count == 0)
            problems.Add(new InputProblem(source, null, "no sentences: the file is empty"));
        if (problems.Count > 0)
            throw new InputException(problems);
        return new Corpus(source, sentences) { Format = CorpusFormat.JsonLines, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
    }

    public static void Write(IEnumerable<Sentence> sentences, string path) => File.WriteAllBytes(path, Serialize(sentences));

    public static byte[] Serialize(IEnumerable<Sentence> sentences)
    {
        using var stream = new MemoryStream();
        foreach (var sentence in sentences)
        {
            if (sentence.Tags.Count != sentence.Tokens.Count)
                throw new ArgumentException($"sentence {sentence.Id}: {sentence.Tokens.Count} tokens but {sentence.Tags.Count} tags", nameof(sentences));
            using (var json = new Utf8JsonWriter(stream, WriterOptions))
            {
                json.WriteStartObject();
                json.WriteString("id", sentence.Id);
                json.WriteString("lang", sentence.Lang);
                WriteStrings(json, "tokens", sentence.Tokens);
                WriteStrings(json, "ner_tags", sentence.Tags);
                if (sentence.Provenance is { } provenance)
                {
                    json.WriteStartObject("provenance");
                    json.WriteString("source_id", provenance.SourceId);
                    json.WriteNumber("round", provenance.Round);
                    json.WriteString("method", provenance.Method);
                    json.WriteEndObject();
                }
                if (sentence.ExtraColumns.Count > 0)
                {
                    json.WriteStartArray("extra_columns");
                    foreach (var columns in sentence.ExtraColumns)
                    {
                        json.WriteStartArray();
                        foreach (var column in columns)
                            json.WriteStringValue(column);
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
        return stream.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static Sentence? ParseLine(string line, int number, List<string> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            problems.Add($"invalid JSON: {e.Message}");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"expected a JSON object per line, found {Kind(root)}");
                return null;
            }
            foreach (var property in root.EnumerateObject())
            {
                if (!KnownFields.Contains(property.Name))
                    problems.Add($"unknown field \"{property.Name}\" (known: {string.Join(", ", KnownFields)})");
            }
            var id = Id(root, problems);
            var lang = Lang(root, problems);
            var tokens = Strings(root, "tokens", problems);
            var tags = Strings(root, "ner_tags", problems);
            if (tokens is not null)
            {
                for (var i = 0; i < tokens.Length; i++)
                {
                    if (string.IsNullOrWhiteSpace(tokens[i]))
                        problems.Add($"token {i + 1} is empty");
                }
                if (tokens.Length == 0)
                    problems.Add("\"tokens\" is empty: a sentence needs at least one token");
            }
            if (tags is not null)
            {
                for (var i = 0; i < tags.Length; i++)
                {
                    if (!Tag.TryParse(tags[i], out _, out var error))
                        problems.Add($"tag {i + 1}: {error}");
                }
            }
            if (tokens is not null && tags is not null && tokens.Length != tags.Length)
                problems.Add($"{tokens.Length} tokens but {tags.Length} ner_tags: they need one tag per token");
            var provenance = ProvenanceOf(root, problems);
            var extras = ExtraColumns(root, tokens?.Length, problems);
            if (id is null || tokens is null || tags is null || problems.Count > 0)
                return null;
            return new Sentence(id, lang, tokens, tags)
            {
                Lines = Enumerable.Repeat(number, tokens.Length).ToArray(),
                Provenance = provenance,
                ExtraColumns = extras ?? [],
            };
        }
    }

    private static string? Id(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("id", out var id))
        {
            problems.Add("missing field \"id\"");
            return null;
        }
        switch (id.ValueKind)
        {
            case JsonValueKind.String when id.GetString() is { Length: > 0 } text:
                return text;
            case JsonValueKind.Number when id.TryGetInt64(out var number):
                return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                problems.Add($"\"id\" must be a non-empty string or an integer, found {Kind(id)}");
                return null;
        }
    }

    private static string? Lang(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("lang", out var lang) || lang.ValueKind == JsonValueKind.Null)
            return null;
        if (lang.ValueKind == JsonValueKind.String && lang.GetString() is { Length: > 0 } text)
            return text;
        problems.Add($"\"lang\" must be a non-empty string or null, found {Kind(lang)}");
        return null;
    }

    private static string[]? Strings(JsonElement root, string name, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var array))
        {
            problems.Add($"missing field \"{name}\"");
            return null;
        }
        return StringArray(array, $"\"{name}\"", problems);
    }

    private static string[]? StringArray(JsonElement array, string what, List<string> problems)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{what} must be an array of strings, found {Kind(array)}");
            return null;
        }
        var values = new string[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{what} must hold strings (tag names, not label ids), found {Kind(item)} at position {i + 1}");
                return null;
            }
            values[i++] = item.GetString()!;
        }
        return values;
    }

    private static Provenance? ProvenanceOf(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("provenance", out var p) || p.ValueKind == JsonValueKind.Null)
            return null;
        if (p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("source_id", out var source) && source.ValueKind == JsonValueKind.String
            && p.TryGetProperty("round", out var round) && round.ValueKind == JsonValueKind.Number && round.TryGetInt32(out var roundNumber)
            && p.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String)
        {
            return new Provenance(source.GetString()!, roundNumber, method.GetString()!);
        }
        problems.Add("\"provenance\" must be an object with \"source_id\" (string), \"round\" (integer) and \"method\" (string)");
        return null;
    }

    private static List<IReadOnlyList<string>>? ExtraColumns(JsonElement root, int? tokens, List<string> problems)
    {
        if (!root.TryGetProperty("extra_columns", out var array) || array.ValueKind == JsonValueKind.Null)
            return null;
        if (array.ValueKind != JsonValueKind.Array || (tokens is { } count && array.GetArrayLength() != count))
        {
            problems.Add("\"extra_columns\" must be an array with one array of strings per token");
            return null;
        }
        var columns = new List<IReadOnlyList<string>>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var values = StringArray(item, $"\"extra_columns\" of token {++i}", problems);
            if (values is null)
                return null;
            columns.Add(values);
        }
        return columns;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}
