using System.Text;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Data;

public sealed class JsonLinesTests
{
    [Fact]
    public void WritesAndReadsBackEverything()
    {
        Sentence[] sentences =
        [
            new("train:0", "de", ["Köln", "\"liegt\""], ["B-LOC", "O"]) { ExtraColumns = [["NE"], ["VVFIN"]] },
            new("train:0#1", null, ["Bonn", "liegt"], ["B-LOC", "O"]) { Provenance = new Provenance("train:0", 1, "melm") },
        ];

        var bytes = JsonLines.Serialize(sentences);
        var corpus = JsonLines.Parse(bytes, "aug.jsonl");

        Assert.Equal(
            "{\"id\":\"train:0\",\"lang\":\"de\",\"tokens\":[\"Köln\",\"\\\"liegt\\\"\"],\"ner_tags\":[\"B-LOC\",\"O\"],\"extra_columns\":[[\"NE\"],[\"VVFIN\"]]}\n"
            + "{\"id\":\"train:0#1\",\"lang\":null,\"tokens\":[\"Bonn\",\"liegt\"],\"ner_tags\":[\"B-LOC\",\"O\"],\"provenance\":{\"source_id\":\"train:0\",\"round\":1,\"method\":\"melm\"}}\n",
            Encoding.UTF8.GetString(bytes));
        Assert.Equal(CorpusFormat.JsonLines, corpus.Format);
        Assert.Equal(["train:0", "train:0#1"], corpus.Sentences.Select(s => s.Id));
        Assert.Equal(sentences[0].Tokens, corpus.Sentences[0].Tokens);
        Assert.Equal(sentences[0].Tags, corpus.Sentences[0].Tags);
        Assert.Equal("de", corpus.Sentences[0].Lang);
        Assert.Equal(["VVFIN"], corpus.Sentences[0].ExtraColumns[1]);
        Assert.Null(corpus.Sentences[1].Lang);
        Assert.Equal(new Provenance("train:0", 1, "melm"), corpus.Sentences[1].Provenance);
        Assert.Equal([2, 2], corpus.Sentences[1].Lines);
        Assert.Equal(bytes, JsonLines.Serialize(corpus.Sentences));
    }

    [Fact]
    public void ConllToJsonLinesAndBackKeepsTheBytesOfACanonicalFile()
    {
        const string text = "EU\tNNP\tB-ORG\nrejects\tVBZ\tO\n\nPeter\tNNP\tB-PER\n\n";
        var conll = ConllText.Read(text);

        var viaJson = JsonLines.Parse(JsonLines.Serialize(conll.Sentences), "t.jsonl");

        Assert.Equal(text, Encoding.UTF8.GetString(ConllWriter.SerializeSentences(viaJson.Sentences, "t.txt")));
    }

    [Fact]
    public void NumericIdsAndBlankLinesAreAccepted()
    {
        var corpus = Parse("{\"id\": 7, \"tokens\": [\"a\"], \"ner_tags\": [\"O\"]}\r\n\n");

        Assert.Equal("7", Assert.Single(corpus.Sentences).Id);
    }

    [Theory]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\"], \"ner_tags\": [\"O\"]\n", "in.jsonl:1: invalid JSON")]
    [InlineData("[1, 2]\n", "in.jsonl:1: expected a JSON object per line, found an array")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\", \"y\"], \"ner_tags\": [\"O\"]}\n", "in.jsonl:1: 2 tokens but 1 ner_tags")]
    [InlineData("{\"id\": \"a\", \"ner_tags\": [\"O\"]}\n", "in.jsonl:1: missing field \"tokens\"")]
    [InlineData("{\"tokens\": [\"x\"], \"ner_tags\": [\"O\"]}\n", "in.jsonl:1: missing field \"id\"")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\"], \"ner_tags\": [3]}\n", "in.jsonl:1: \"ner_tags\" must hold strings (tag names, not label ids), found a number")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"\"], \"ner_tags\": [\"O\"]}\n", "in.jsonl:1: token 1 is empty")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\"], \"ner_tags\": [\"B_PER\"]}\n", "in.jsonl:1: tag 1: malformed tag \"B_PER\"")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\"], \"ner_tags\": [\"O\"], \"pos_tags\": [1]}\n", "in.jsonl:1: unknown field \"pos_tags\"")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\"], \"ner_tags\": [\"O\"], \"provenance\": {\"round\": 1}}\n", "in.jsonl:1: \"provenance\" must be an object")]
    [InlineData("{\"id\": \"a\", \"tokens\": [\"x\"], \"ner_tags\": [\"O\"], \"provenance\": {\"source_id\": \"b\", \"round\": \"1\", \"method\": \"melm\"}}\n", "in.jsonl:1: \"provenance\" must be an object")]
    [InlineData("{\"id\":\"a\",\"tokens\":[\"x\"],\"ner_tags\":[\"O\"]}\n{\"id\":\"a\",\"tokens\":[\"y\"],\"ner_tags\":[\"O\"]}\n", "in.jsonl:2: duplicate id \"a\" (first on line 1)")]
    [InlineData("\n\n", "in.jsonl: no sentences")]
    public void BadLinesAreNamedWithTheirProblem(string text, string expected)
    {
        var error = Assert.Throws<InputException>(() => Parse(text));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBadLineIsReported()
    {
        var error = Assert.Throws<InputException>(() => Parse("{\n{\"id\":\"b\",\"tokens\":[\"y\"],\"ner_tags\":[\"O\"]}\nnot json\n"));

        Assert.Equal([1, 3], error.Problems.Select(p => p.Line));
    }

    [Fact]
    public void CorpusFileChoosesTheFormatByExtension()
    {
        Assert.True(CorpusFile.IsJsonLines("a/b.jsonl"));
        Assert.True(CorpusFile.IsJsonLines("b.JSONL"));
        Assert.False(CorpusFile.IsJsonLines("a/train.txt"));
        Assert.False(CorpusFile.IsJsonLines("eng.testa"));
    }

    private static Corpus Parse(string text) => JsonLines.Parse(Encoding.UTF8.GetBytes(text), "in.jsonl");
}
