using System.Text.Json;
using Melm.Models.Text;

namespace Melm.Models.Tests.Text;

/// <summary>
/// Tokenization of the shared tiny XLM-R against golden.json (made with transformers' XLM-R
/// tokenizer on pre-split words): every word's pieces and ids and the input ids must match exactly.
/// </summary>
public class XlmrTokenizerGoldenTests
{
    private sealed record GoldenSentence(string[] Words, string[][] WordPieces, int[][] WordIds, int[] InputIds);

    private static (XlmrTokenizer Tokenizer, JsonElement Golden) Load()
    {
        var folder = SharedFiles.Require("fixtures/tiny-xlmr");
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "golden.json"))).RootElement;
        return (XlmrTokenizer.Load(folder), golden);
    }

    [Fact]
    public void MatchesTheGoldenSpecialIdsAndVocabulary()
    {
        var (tokenizer, golden) = Load();
        Assert.Equal(golden.GetProperty("mask_token_id").GetInt32(), tokenizer.Mask);
        Assert.Equal(31998, tokenizer.VocabSize);
        Assert.Equal(31996, tokenizer.SentencePiece.Pieces.Count);
    }

    [Fact]
    public void MatchesEveryGoldenSentenceExactly()
    {
        var (tokenizer, golden) = Load();
        var sentences = golden.GetProperty("sentences").EnumerateArray().Select(s => new GoldenSentence(
            s.GetProperty("words").Deserialize<string[]>()!,
            s.GetProperty("word_pieces").Deserialize<string[][]>()!,
            s.GetProperty("word_ids").Deserialize<int[][]>()!,
            s.GetProperty("input_ids").Deserialize<int[]>()!)).ToList();
        Assert.Equal(5, sentences.Count);

        foreach (var expected in sentences)
        {
            var actual = tokenizer.EncodeWords(expected.Words);
            Assert.Equal(expected.WordPieces, actual.Words.Select(w => w.Pieces.ToArray()));
            Assert.Equal(expected.WordIds, actual.Words.Select(w => w.Ids.ToArray()));
            Assert.Equal(expected.InputIds, actual.InputIds);
            for (var w = 0; w < expected.Words.Length; w++)
                Assert.Equal(expected.WordIds[w][0], actual.InputIds[actual.FirstPositionOfWord[w]]);
        }
    }
}
