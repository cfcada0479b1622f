using System.Text.Json;
using Melm.Models.Diagnostics;
using Melm.Models.Text;

namespace Melm.Models.Pretraining;

/// <summary>
/// Reads `melm mlm` input: JSON Lines, each an object with either "input_ids" (the full model
/// input, specials included) or "words" (pre-split words, encoded with &lt;s&gt; and &lt;/s&gt;; a word
/// "&lt;mask&gt;" is one masked subword). Other keys are ignored. A line without &lt;mask&gt; is
/// valid and gets an empty list of predictions (its hidden state can still be asked for).
/// Every problem is collected with its line before anything is computed.
/// </summary>
public static class MlmQueryReader
{
    public static IReadOnlyList<MlmQuery> Read(string path, XlmrTokenizer tokenizer, int vocabSize, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!File.Exists(path))
            throw new InputException(path, null, "input file not found");
        var queries = new List<MlmQuery>();
        var problems = new List<InputProblem>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            var problem = ReadLine(text, tokenizer, vocabSize, maxTokens, out var ids);
            if (problem is not null)
                problems.Add(new InputProblem(path, number, problem));
            else
                queries.Add(new MlmQuery(number, ids!));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        if (queries.Count == 0)
            throw new InputException(path, null, "no input lines");
        return queries;
    }

    private static string? ReadLine(string text, XlmrTokenizer tokenizer, int vocabSize, int maxTokens, out long[]? ids)
    {
        ids = null;
        if (string.IsNullOrWhiteSpace(text))
            return "empty line: expected a JSON object with \"input_ids\" or \"words\"";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return $"not valid JSON: {e.Message}";
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return "expected a JSON object with \"input_ids\" or \"words\"";
            var hasIds = root.TryGetProperty("input_ids", out var idsElement);
            var hasWords = root.TryGetProperty("words", out var wordsElement);
            if (hasIds == hasWords)
                return hasIds ? "has both \"input_ids\" and \"words\": give one" : "has neither \"input_ids\" nor \"words\"";
            var problem = hasIds ? ReadIds(idsElement, vocabSize, out ids) : ReadWords(wordsElement, tokenizer, out ids);
            if (problem is not null)
                return problem;
            if (ids!.Length > maxTokens)
                return $"{ids.Length} tokens, but the model takes at most {maxTokens}";
            return null;
        }
    }

    private static string? ReadIds(JsonElement element, int vocabSize, out long[]? ids)
    {
        ids = null;
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
            return "\"input_ids\" must be a non-empty array of token ids";
        var result = new long[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var id))
                return $"\"input_ids\"[{i}] is {item.GetRawText()}, not an integer";
            if (id < 0 || id >= vocabSize)
                return $"\"input_ids\"[{i}] = {id} is outside the vocabulary (0 to {vocabSize - 1})";
            result[i++] = id;
        }
        ids = result;
        return null;
    }

    private static string? ReadWords(JsonElement element, XlmrTokenizer tokenizer, out long[]? ids)
    {
        ids = null;
        if (element.ValueKind != JsonValueKind.Array)
            return "\"words\" must be an array of strings";
        var words = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                return $"\"words\"[{words.Count}] is {item.GetRawText()}, not a string";
            var word = item.GetString()!;
            if (!tokenizer.CanEncode(word))
                return $"\"words\"[{words.Count}] = \"{word}\" has no pieces (empty, spaces, or only characters normalisation removes)";
            words.Add(word);
        }
        ids = tokenizer.EncodeWords(words).InputIds.Select(id => (long)id).ToArray();
        return null;
    }
}
