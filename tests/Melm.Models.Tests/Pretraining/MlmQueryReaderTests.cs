using Melm.Models.Diagnostics;
using Melm.Models.Pretraining;
using Melm.Models.Text;

namespace Melm.Models.Tests.Pretraining;

public sealed class MlmQueryReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("melm-mlm-").FullName;
    private readonly XlmrTokenizer _tokenizer = XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_folder, "in.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void AMaskWordIsOneMaskedSubword()
    {
        var path = Write("{\"words\": [\"The\", \"<mask>\", \"council\"]}\n{\"input_ids\": [0, 5, 2]}\n");

        var queries = MlmQueryReader.Read(path, _tokenizer, _tokenizer.VocabSize, 64);

        var expected = _tokenizer.EncodeWords(["The", "council"]).InputIds.Select(id => (long)id).ToList();
        expected.Insert(1 + _tokenizer.EncodeWord("The").Ids.Count, _tokenizer.Mask);
        Assert.Equal(expected, queries[0].InputIds);
        Assert.Equal(1, queries[0].InputIds.Count(id => id == _tokenizer.Mask));
        Assert.Equal((1, 2), (queries[0].Line, queries[1].Line));
        Assert.Equal([0L, 5, 2], queries[1].InputIds);
    }

    [Fact]
    public void ListsEveryBadLineWithItsNumber()
    {
        var lines = new[]
        {
            "{\"input_ids\": [0, 5, 2]}",
            "{not json",
            "{\"input_ids\": [0, 2], \"words\": [\"a\"]}",
            "{\"text\": \"a\"}",
            "{\"input_ids\": [0, 99999, 2]}",
            "",
            "{\"words\": [\"a\", \"\\u200b\"]}",
            "{\"input_ids\": [" + string.Join(", ", Enumerable.Repeat(5, 70)) + "]}",
            "[1, 2]",
        };
        var path = Write(string.Join("\n", lines) + "\n");

        var error = Assert.Throws<InputException>(() => MlmQueryReader.Read(path, _tokenizer, _tokenizer.VocabSize, 64));

        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9], error.Problems.Select(p => p.Line ?? 0).ToArray());
        Assert.All(error.Problems, p => Assert.Equal(path, p.Source));
        Assert.Contains("not valid JSON", error.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("both", error.Problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("neither", error.Problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("99999 is outside the vocabulary", error.Problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("empty line", error.Problems[4].Message, StringComparison.Ordinal);
        Assert.Contains("has no pieces", error.Problems[5].Message, StringComparison.Ordinal);
        Assert.Contains("70 tokens, but the model takes at most 64", error.Problems[6].Message, StringComparison.Ordinal);
        Assert.Contains("JSON object", error.Problems[7].Message, StringComparison.Ordinal);
    }
}
