using Melm.Models.Text;

namespace Melm.Models.Tests.Text;

/// <summary>Segmentation and whitespace rules on a hand-written model (runs without shared files).</summary>
public class SentencePieceModelTests
{
    // Ids: 0 <unk>, 1 <s>, 2 </s>, 3 ▁, 4 a, 5 b, 6 c, 7 ▁a, 8 bc, 9 ▁ab, 10 zz (unused), 11 z.
    private static readonly SentencePieceModel Model = SentencePieceModel.Parse(ModelProtoBuilder.Xlmr()
        .Add("▁", -2f)
        .Add("a", -3f)
        .Add("b", -3f)
        .Add("c", -3f)
        .Add("▁a", -1f)
        .Add("bc", -1f)
        .Add("▁ab", -1.5f)
        .Add("zz", -0.1f, SentencePieceType.Unused)
        .Add("z", -4f)
        .Build());

    [Theory]
    [InlineData("abc", new[] { 7, 8 })] // ▁a + bc (-2) beats the longest first match ▁ab + c (-4.5)
    [InlineData("ab", new[] { 9 })]
    [InlineData("a b", new[] { 7, 3, 5 })]
    [InlineData("zz", new[] { 3, 11, 11 })] // unused pieces are never chosen
    public void FindsTheBestSegmentation(string text, int[] expected)
    {
        Assert.Equal(expected, Model.Encode(text));
    }

    [Theory]
    [InlineData("xyq", new[] { 3, 0 })]
    [InlineData("axyq", new[] { 7, 0 })]
    [InlineData("x y", new[] { 3, 0, 3, 0 })]
    [InlineData("x\U0001F600y", new[] { 3, 0 })]
    public void MergesARunOfUnknownCharactersIntoOneUnknownPiece(string text, int[] expected)
    {
        Assert.Equal(expected, Model.Encode(text));
    }

    [Theory]
    [InlineData("  ab   c  ", "▁ab▁c")]
    [InlineData("ab", "▁ab")]
    [InlineData("   ", "")]
    [InlineData("", "")]
    public void RemovesExtraSpacesAndAddsTheDummyPrefix(string text, string expected)
    {
        Assert.Equal(expected, Model.Normalize(text));
    }

    [Fact]
    public void ExposesPiecesScoresAndTypes()
    {
        Assert.Equal(12, Model.Pieces.Count);
        Assert.Equal("▁ab", Model.Pieces[9]);
        Assert.Equal(-1.5f, Model.Scores[9]);
        Assert.Equal(SentencePieceType.Control, Model.Types[1]);
        Assert.Equal(0, Model.UnknownId);
        Assert.Equal(8, Model.SegmentableId("bc"));
        Assert.Null(Model.SegmentableId("<s>"));
    }

    [Fact]
    public void RefusesDataThatIsNotAModelProto()
    {
        Assert.Throws<FormatException>(() => SentencePieceModel.Parse("{\"vocab\": 3}"u8));
        var truncated = ModelProtoBuilder.Xlmr().Add("a", -1f).Build()[..^3];
        Assert.Throws<FormatException>(() => SentencePieceModel.Parse(truncated));
    }

    [Fact]
    public void RefusesModelsItDoesNotImplement()
    {
        var bpe = new ModelProtoBuilder { ModelType = 2 }.Add("<unk>", 0, SentencePieceType.Unknown).Add("a", -1f).Build();
        Assert.Contains("unigram", Assert.Throws<NotSupportedException>(() => SentencePieceModel.Parse(bpe)).Message);
        var byteFallback = new ModelProtoBuilder { ByteFallback = true }.Add("<unk>", 0, SentencePieceType.Unknown).Build();
        Assert.Throws<NotSupportedException>(() => SentencePieceModel.Parse(byteFallback));
    }
}
