using Melm.Models.Diagnostics;
using Melm.Models.Text;

namespace Melm.Models.Tests.Text;

/// <summary>The XLM-R id layout, word-level API and added tokens on a hand-written model (runs anywhere).</summary>
public sealed class XlmrTokenizerTests : IDisposable
{
    // SentencePiece ids 0 <unk>, 1 <s>, 2 </s>, 3 ▁, 4 a, 5 b, 6 c, 7 ▁a, 8 bc, 9 ▁ab; XLM-R ids are these + 1.
    private static readonly byte[] ModelBytes = ModelProtoBuilder.Xlmr()
        .Add("▁", -2f)
        .Add("a", -3f)
        .Add("b", -3f)
        .Add("c", -3f)
        .Add("▁a", -1f)
        .Add("bc", -1f)
        .Add("▁ab", -1.5f)
        .Build();

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private XlmrTokenizer LoadFolder(string? config = null, string? addedTokens = null)
    {
        File.WriteAllBytes(_folder.Combine(XlmrTokenizer.SentencePieceFileName), ModelBytes);
        if (config is not null)
            File.WriteAllText(_folder.Combine(XlmrTokenizer.ConfigFileName), config);
        if (addedTokens is not null)
            File.WriteAllText(_folder.Combine(XlmrTokenizer.AddedTokensFileName), addedTokens);
        return XlmrTokenizer.Load(_folder.Path);
    }

    [Fact]
    public void UsesFairseqIdsAroundTheSentencePieceIds()
    {
        var tokenizer = LoadFolder();
        Assert.Equal(11, tokenizer.Mask);
        Assert.Equal(12, tokenizer.VocabSize);
        Assert.Equal(["<s>", "<pad>", "</s>", "<unk>", "▁", "a"], Enumerable.Range(0, 6).Select(tokenizer.IdToPiece));
        Assert.Equal("▁ab", tokenizer.IdToPiece(10));
        Assert.Equal("<mask>", tokenizer.IdToPiece(11));
        Assert.Equal(10, tokenizer.PieceToId("▁ab"));
        Assert.Equal(XlmrTokenizer.Eos, tokenizer.PieceToId("</s>"));
        Assert.Equal(11, tokenizer.PieceToId("<mask>"));
        Assert.Null(tokenizer.PieceToId("abc"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.IdToPiece(12));
    }

    [Fact]
    public void TellsSpecialTokensAndWordStartsApart()
    {
        var tokenizer = LoadFolder();
        Assert.Equal([0, 1, 2, 3, 11], Enumerable.Range(0, tokenizer.VocabSize).Where(tokenizer.IsSpecial));
        Assert.True(tokenizer.IsWordStart(4));
        Assert.True(tokenizer.IsWordStart(8));
        Assert.False(tokenizer.IsWordStart(9));
        Assert.False(tokenizer.IsWordStart(XlmrTokenizer.Unk));
        Assert.False(tokenizer.IsWordStart(tokenizer.Mask));
    }

    [Fact]
    public void EncodesPreSplitWordsWithMapsBothWays()
    {
        var sentence = LoadFolder().EncodeWords(["abc", "ab", "x"]);

        Assert.Equal([["▁a", "bc"], ["▁ab"], ["▁", "<unk>"]], sentence.Words.Select(w => w.Pieces));
        Assert.Equal([[8, 9], [10], [4, 3]], sentence.Words.Select(w => w.Ids));
        Assert.Equal([0, 8, 9, 10, 4, 3, 2], sentence.InputIds);
        Assert.Equal([-1, 0, 0, 1, 2, 2, -1], sentence.WordIndexOfPosition);
        Assert.Equal([1, 3, 4], sentence.FirstPositionOfWord);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RefusesAWordWithoutPieces(string word)
    {
        var tokenizer = LoadFolder();
        Assert.False(tokenizer.CanEncode(word));
        var error = Assert.Throws<ArgumentException>(() => tokenizer.EncodeWords(["ab", word]));
        Assert.Contains("Word 2 of 2", error.Message);
    }

    [Fact]
    public void AddsTokensAfterTheVocabularyWithoutMovingIds()
    {
        var tokenizer = LoadFolder();
        Assert.Equal([12, 13], tokenizer.AddTokens(["<B-PER>", "<es>"]));
        Assert.Equal([13, 11, 14], tokenizer.AddTokens(["<es>", "<mask>", "<I-PER>"]));
        Assert.Equal(15, tokenizer.VocabSize);
        Assert.Equal(["<B-PER>", "<es>", "<I-PER>"], tokenizer.AddedTokens);
        Assert.Equal(10, tokenizer.PieceToId("▁ab"));
        Assert.True(tokenizer.IsAdded(12));
        Assert.False(tokenizer.IsAdded(tokenizer.Mask));
        Assert.False(tokenizer.IsSpecial(12));
        Assert.False(tokenizer.IsWordStart(12));
    }

    [Fact]
    public void MatchesAnAddedTokenAsAWholeWordOnly()
    {
        var tokenizer = LoadFolder();
        tokenizer.AddTokens(["<B-PER>"]);
        var sentence = tokenizer.EncodeWords(["<B-PER>", "ab", "<B-PER>", "<B-PER>ab"]);
        Assert.Equal([12], sentence.Words[0].Ids);
        Assert.Equal(["<B-PER>"], sentence.Words[0].Pieces);
        Assert.Equal([12], sentence.Words[2].Ids);
        Assert.DoesNotContain(12, sentence.Words[3].Ids);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<B PER>")]
    [InlineData("bc")]
    public void RefusesTokensThatCannotBeWholeWords(string token)
    {
        var tokenizer = LoadFolder();
        Assert.Throws<ArgumentException>(() => tokenizer.AddTokens([token]));
        Assert.Equal(12, tokenizer.VocabSize);
    }

    [Fact]
    public void SavesAndReloadsAddedTokens()
    {
        var tokenizer = LoadFolder();
        tokenizer.AddTokens(["<B-PER>", "<I-PER>"]);
        using var saved = new TempFolder();
        tokenizer.Save(saved.Path);

        var reloaded = XlmrTokenizer.Load(saved.Path);
        Assert.Equal(tokenizer.AddedTokens, reloaded.AddedTokens);
        Assert.Equal(13, reloaded.PieceToId("<I-PER>"));
        Assert.Equal(tokenizer.EncodeWords(["<I-PER>", "abc"]).InputIds, reloaded.EncodeWords(["<I-PER>", "abc"]).InputIds);

        LoadFolder().Save(saved.Path);
        Assert.False(File.Exists(Path.Combine(saved.Path, XlmrTokenizer.AddedTokensFileName)));
        Assert.Empty(XlmrTokenizer.Load(saved.Path).AddedTokens);
    }

    [Fact]
    public void DecodesIdsIntoWords()
    {
        var tokenizer = LoadFolder();
        tokenizer.AddTokens(["<B-PER>"]);
        int[] ids = [0, 12, 8, 9, 12, 10, 4, 3, 2, 1];
        Assert.Equal(["<B-PER>", "abc", "<B-PER>", "ab", "<unk>"], tokenizer.DecodeWords(ids));
        Assert.Equal("<B-PER> abc <B-PER> ab <unk>", tokenizer.Decode(ids));
        Assert.Equal(["a<mask>"], tokenizer.DecodeWords([8, tokenizer.Mask]));
    }

    [Fact]
    public void GivesThePieceIdsOfInitialisationWords()
    {
        var tokenizer = LoadFolder();
        Assert.Equal([8, 9, 10], tokenizer.InitialisationIds(["abc", "ab"]));
        Assert.Throws<ArgumentException>(() => tokenizer.InitialisationIds([]));
    }

    [Fact]
    public void ReportsAFileThatIsNotASentencePieceModel()
    {
        var path = _folder.Combine("tokenizer.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"Unigram\"}}");
        var error = Assert.Throws<InputException>(() => XlmrTokenizer.Load(path));
        Assert.Equal(path, Assert.Single(error.Problems).Source);
        Assert.Contains("not a SentencePiece model", error.Message);
    }

    [Fact]
    public void ReportsAModelWithoutXlmrFirstPieces()
    {
        var path = _folder.Combine("other.model");
        File.WriteAllBytes(path, new ModelProtoBuilder().Add("<s>", 0, SentencePieceType.Control).Add("<unk>", 0, SentencePieceType.Unknown).Build());
        var error = Assert.Throws<InputException>(() => XlmrTokenizer.Load(path));
        Assert.Contains("not an XLM-R SentencePiece model", error.Message);
    }

    [Fact]
    public void ReportsMissingFilesAndFolders()
    {
        var missing = _folder.Combine("nothing-here");
        Assert.Equal(missing, Assert.Throws<InputException>(() => XlmrTokenizer.Load(missing)).Problems[0].Source);
        var error = Assert.Throws<InputException>(() => XlmrTokenizer.Load(_folder.Path));
        Assert.Contains(XlmrTokenizer.SentencePieceFileName, error.Message);
    }

    [Fact]
    public void ReportsAConfigVocabularyTooSmallForTheTokenizer()
    {
        var error = Assert.Throws<InputException>(() => LoadFolder(config: "{\"vocab_size\": 11}"));
        Assert.Equal(_folder.Combine(XlmrTokenizer.ConfigFileName), error.Problems[0].Source);
        Assert.Contains("vocab_size 11", error.Message);
        Assert.Contains("12 ids", error.Message);
        Assert.Equal(12, LoadFolder(config: "{\"vocab_size\": 12}").VocabSize);
    }

    [Fact]
    public void CountsAddedTokensAgainstTheConfigVocabulary()
    {
        var error = Assert.Throws<InputException>(() => LoadFolder(config: "{\"vocab_size\": 12}", addedTokens: "{\"<B-PER>\": 12}"));
        Assert.Contains("1 added tokens", error.Message);
        Assert.Equal(13, LoadFolder(config: "{\"vocab_size\": 13}", addedTokens: "{\"<B-PER>\": 12}").VocabSize);
    }

    [Theory]
    [InlineData("{\"<B-PER>\": 13}", "expected 12")]
    [InlineData("{\"<B PER>\": 12}", "whitespace")]
    [InlineData("[\"<B-PER>\"]", "not a JSON object")]
    public void ReportsBadAddedTokensFiles(string json, string expected)
    {
        var error = Assert.Throws<InputException>(() => LoadFolder(addedTokens: json));
        Assert.Equal(_folder.Combine(XlmrTokenizer.AddedTokensFileName), error.Problems[0].Source);
        Assert.Contains(expected, error.Message);
    }
}
