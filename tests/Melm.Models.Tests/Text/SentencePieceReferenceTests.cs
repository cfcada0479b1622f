using System.Text.Json;
using Melm.Models.Text;

namespace Melm.Models.Tests.Text;

/// <summary>
/// Hand-picked cases on the shared XLM-R SentencePiece model (nmt_nfkc with a precompiled
/// character map). Expected XLM-R ids and pieces come from the reference C++ SentencePiece (0.1.97,
/// Python binding), mapped as XLM-R does: piece id + 1, unknown -> 3.
/// </summary>
public class SentencePieceReferenceTests
{
    private static XlmrTokenizer Load() => XlmrTokenizer.Load(SharedFiles.Require("fixtures/spm/xlmr-trimmed-32k.model"));

    [Theory]
    [InlineData("北京", "▁ <unk>", new[] { 6, 3 })] // a run of unknown characters is one <unk>
    [InlineData("x北京y", "▁x <unk> y", new[] { 664, 3, 47 })]
    [InlineData("北 京", "▁ <unk> ▁ <unk>", new[] { 6, 3, 6, 3 })]
    [InlineData("ＡＢＣ１２", "▁ABC 12", new[] { 13321, 932 })] // full-width forms
    [InlineData("Ａ Ｂ", "▁A ▁B", new[] { 55, 270 })]
    [InlineData("①", "▁1", new[] { 94 })]
    [InlineData("ﬁ", "▁fi", new[] { 547 })] // ligature
    [InlineData("…", "▁...", new[] { 133 })]
    [InlineData("™", "▁TM", new[] { 13902 })]
    [InlineData("naïve", "▁na ï ve", new[] { 24, 3936, 222 })]
    [InlineData("nai\u0308ve", "▁na ï ve", new[] { 24, 3936, 222 })] // combining diaeresis composes
    [InlineData("e\u0301", "▁é", new[] { 308 })]
    [InlineData("Straße", "▁Straße", new[] { 20541 })]
    [InlineData("a  b", "▁a ▁b", new[] { 10, 583 })] // extra spaces removed
    [InlineData("  a", "▁a", new[] { 10 })]
    [InlineData("a\u00A0b", "▁a ▁b", new[] { 10, 583 })] // no-break space is a space
    [InlineData("a\u007Fb", "▁ab", new[] { 946 })] // control characters removed
    [InlineData("2.777", "▁2. 77 7", new[] { 533, 5480, 633 })] // a score tie decided as SentencePiece rounds
    public void MatchesReferenceSentencePiece(string word, string pieces, int[] ids)
    {
        var encoded = Load().EncodeWord(word);
        Assert.Equal(pieces.Split(' '), encoded.Pieces);
        Assert.Equal(ids, encoded.Ids);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("\u007F")]
    public void HasNoPiecesForWordsNormalisationEmpties(string word)
    {
        Assert.False(Load().CanEncode(word));
    }

    [Fact]
    public void NormalisesWithThePrecompiledCharacterMap()
    {
        var model = Load().SentencePiece;
        Assert.Equal("▁ABC12▁fi", model.Normalize("  ＡＢＣ１２\tﬁ "));
    }

    /// <summary>
    /// Every character the character map rewrites (alone and between letters) and random mixes of
    /// scripts, marks, spaces and control characters: Data/spm-reference.jsonl, written by
    /// scripts/spm-reference.py with the reference SentencePiece.
    /// </summary>
    [Fact]
    public void MatchesReferenceSentencePieceOnEveryRewrittenCharacter()
    {
        var model = Load().SentencePiece;
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Text", "Data", "spm-reference.jsonl"));
        var mismatches = new List<string>();
        foreach (var line in lines)
        {
            var entry = JsonSerializer.Deserialize<JsonElement[]>(line)!;
            var text = entry[0].GetString()!;
            var expected = entry[1].Deserialize<int[]>()!;
            var actual = model.Encode(text);
            if (!actual.SequenceEqual(expected))
                mismatches.Add($"{JsonSerializer.Serialize(text)}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        }
        Assert.True(lines.Length > 10_000, $"only {lines.Length} reference strings");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {lines.Length} differ:\n{string.Join("\n", mismatches.Take(10))}");
    }
}
