using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Augmentation;

/// <summary>
/// substitutions.jsonl, one line per rewrite: {"id", "lang", "substitutions": [{"type", "start",
/// "end", "lang", "tokens", "original_start", "original_end", "original_tokens", "donor_id",
/// "choice", "similarity"?}]}. It keeps what aug.jsonl cannot: the language of each substituted
/// mention, so a later MELM run over code-mixed files marks each entity with its own language.
/// </summary>
public static class SubstitutionLog
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(IEnumerable<AugmentedSentence> rewrites)
    {
        using var stream = new MemoryStream();
        foreach (var rewrite in rewrites)
        {
            using (var json = new Utf8JsonWriter(stream, Options))
            {
                json.WriteStartObject();
                json.WriteString("id", rewrite.Sentence.Id);
                json.WriteString("lang", rewrite.Sentence.Lang);
                json.WriteStartArray("substitutions");
                foreach (var s in rewrite.Substitutions)
                {
                    json.WriteStartObject();
                    json.WriteString("type", s.Substitute.Type);
                    json.WriteNumber("start", s.Replaced.Start);
                    json.WriteNumber("end", s.Replaced.End);
                    json.WriteString("lang", s.Substitute.Lang);
                    Strings(json, "tokens", s.Substitute.Tokens);
                    json.WriteNumber("original_start", s.Original.Start);
                    json.WriteNumber("original_end", s.Original.End);
                    Strings(json, "original_tokens", s.OriginalTokens);
                    json.WriteString("donor_id", s.Substitute.SourceId);
                    json.WriteString("choice", s.Choice);
                    if (s.Similarity is { } similarity)
                        json.WriteNumber("similarity", Math.Round(similarity, 6));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Pairs each rewrite with its logged substitutions (by id). Every sentence needs a line and every
    /// line a sentence, and each substitution's words and type must be where the sentence has them;
    /// anything else is an <see cref="InputException"/> naming the log's line.
    /// </summary>
    public static IReadOnlyList<AugmentedSentence> Read(string path, IReadOnlyList<Sentence> rewrites)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the substitution log: {e.Message}");
        }
        var lines = Utf8Text.Decode(bytes, path).Text.Split('\n');
        var problems = new List<InputProblem>();
        var byId = new Dictionary<string, (int Line, IReadOnlyList<Substitution> Substitutions)>(StringComparer.Ordinal);
        var sentences = rewrites.GroupBy(s => s.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var messages = new List<string>();
            var entry = ParseLine(lines[i], sentences, messages);
            if (entry is { } parsed && !byId.TryAdd(parsed.Id, (i + 1, parsed.Substitutions)))
                messages.Add($"id \"{parsed.Id}\" already logged on line {byId[parsed.Id].Line}");
            problems.AddRange(messages.Select(m => new InputProblem(path, i + 1, m)));
        }
        foreach (var sentence in rewrites.Where(s => !byId.ContainsKey(s.Id)))
            problems.Add(new InputProblem(path, null, $"no line for sentence \"{sentence.Id}\""));
        if (problems.Count > 0)
            throw new InputException(problems);
        return rewrites.Select(s => new AugmentedSentence(s, byId[s.Id].Substitutions)).ToArray();
    }

    private static (string Id, IReadOnlyList<Substitution> Substitutions)? ParseLine(string line, Dictionary<string, Sentence> sentences, List<string> problems)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var id = root.GetProperty("id").GetString() ?? throw new InvalidOperationException("\"id\" is null");
            if (!sentences.TryGetValue(id, out var sentence))
            {
                problems.Add($"id \"{id}\" is not among the sentences");
                return null;
            }
            var substitutions = new List<Substitution>();
            foreach (var item in root.GetProperty("substitutions").EnumerateArray())
            {
                var type = item.GetProperty("type").GetString()!;
                var replaced = new EntitySpan(type, item.GetProperty("start").GetInt32(), item.GetProperty("end").GetInt32());
                var tokens = Strings(item, "tokens");
                var lang = item.GetProperty("lang").GetString();
                var inSentence = replaced.Start >= 0 && replaced.End <= sentence.Tokens.Count && replaced.Length == tokens.Length
                    && sentence.Tokens.Skip(replaced.Start).Take(replaced.Length).SequenceEqual(tokens, StringComparer.Ordinal)
                    && sentence.Entities().Contains(replaced);
                if (!inSentence)
                {
                    problems.Add($"substitution {type} [{replaced.Start}, {replaced.End}) \"{string.Join(' ', tokens)}\" is not an entity of sentence \"{id}\"");
                    continue;
                }
                var original = new EntitySpan(type, item.GetProperty("original_start").GetInt32(), item.GetProperty("original_end").GetInt32());
                var similarity = item.TryGetProperty("similarity", out var s) ? s.GetDouble() : (double?)null;
                substitutions.Add(new Substitution(original, replaced, Strings(item, "original_tokens"),
                    new Mention(lang, type, tokens, item.GetProperty("donor_id").GetString()!), item.GetProperty("choice").GetString()!, similarity));
            }
            return (id, substitutions);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problems.Add($"not a substitution log line: {e.Message}");
            return null;
        }
    }

    private static string[] Strings(JsonElement item, string name) =>
        item.GetProperty(name).EnumerateArray().Select(t => t.GetString() ?? throw new InvalidOperationException($"\"{name}\" holds null")).ToArray();

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
