using System.Text;
using Melm.Models.Data;

namespace Melm.Models.Tests.Data;

public sealed class ConllReaderTests
{
    [Fact]
    public void ReadsTabSeparatedSentencesWithIdsAndLines()
    {
        var corpus = ConllText.Read("EU\tB-ORG\nrejects\tO\n\nPeter\tB-PER\nBlackburn\tI-PER\n\n", "en/train.txt");

        Assert.Equal(2, corpus.Sentences.Count);
        var second = corpus.Sentences[1];
        Assert.Equal("train:1", second.Id);
        Assert.Equal(["Peter", "Blackburn"], second.Tokens);
        Assert.Equal(["B-PER", "I-PER"], second.Tags);
        Assert.Equal([4, 5], second.Lines);
        Assert.Empty(second.ExtraColumns);
        Assert.Null(second.Lang);
        Assert.Equal(4, corpus.TokenCount);
        Assert.Equal(CorpusFormat.Conll, corpus.Format);
    }

    [Fact]
    public void KeepsExtraColumnsBetweenTokenAndTagWithSpaceSeparation()
    {
        var corpus = ConllText.Read("EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n");

        var sentence = Assert.Single(corpus.Sentences);
        Assert.Equal(["EU", "rejects"], sentence.Tokens);
        Assert.Equal(["B-ORG", "O"], sentence.Tags);
        Assert.Equal(["NNP", "B-NP"], sentence.ExtraColumns[0]);
        Assert.Equal(["VBZ", "B-VP"], sentence.ExtraColumns[1]);
    }

    [Fact]
    public void SeveralBlankLinesDocstartAndWhitespaceLinesAreOneBreak()
    {
        var corpus = ConllText.Read("-DOCSTART- -X- O O\n\na O\n\n\n \t\nb O\n-DOCSTART- -X- O O\nc O\n");

        Assert.Equal([["a"], ["b"], ["c"]], corpus.Sentences.Select(s => s.Tokens));
        Assert.Equal(["-DOCSTART- -X- O O", ""], corpus.Sentences[0].Layout!.LinesBefore);
        Assert.Equal(["", "", " \t"], corpus.Sentences[1].Layout!.LinesBefore);
        Assert.Equal(["-DOCSTART- -X- O O"], corpus.Sentences[2].Layout!.LinesBefore);
        Assert.Equal("t:2", corpus.Sentences[2].Id);
    }

    [Fact]
    public void CrlfBomTrailingSpacesAndALastSentenceWithoutABlankLine()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("Köln  B-LOC \r\nliegt\tO\t\r\n\r\nam O\r\nRhein B-LOC")).ToArray();

        var corpus = ConllReader.Parse(bytes, "de.txt");

        Assert.Equal(["Köln", "liegt"], corpus.Sentences[0].Tokens);
        Assert.Equal(["B-LOC", "O"], corpus.Sentences[0].Tags);
        Assert.Equal(["am", "Rhein"], corpus.Sentences[1].Tokens);
        Assert.Equal(["O", "B-LOC"], corpus.Sentences[1].Tags);
        var file = corpus.FileLayout!;
        Assert.True(file.HasBom);
        Assert.Equal("\r\n", file.LineEnding);
        Assert.False(file.EndsWithNewline);
        Assert.Empty(file.LinesAfter);
        Assert.Equal(" ", corpus.Sentences[0].Layout!.Spacing[0].Trailing);
        Assert.Equal(["  "], corpus.Sentences[0].Layout!.Spacing[0].Gaps);
    }

    [Fact]
    public void ArbitraryLabelNamesAndANoBreakSpaceInsideAToken()
    {
        var corpus = ConllText.Read("iPhone\u00A015\tB-product_name\nPro\tI-product_name\n");

        Assert.Equal(["iPhone\u00A015", "Pro"], corpus.Sentences[0].Tokens);
        Assert.Equal([new EntitySpan("product_name", 0, 2)], corpus.Sentences[0].Entities());
    }

    [Fact]
    public void LanguageForTheWholeFileOrFromAColumn()
    {
        var perFile = ConllText.Read("a O\n\nb O\n", options: new ConllReadOptions { Language = "es" });
        var column = ConllText.Read("a en O\nb en O\n\nc de B-PER\n", options: new ConllReadOptions { LanguageColumn = 1 });

        Assert.All(perFile.Sentences, s => Assert.Equal("es", s.Lang));
        Assert.Equal(["en", "de"], column.Sentences.Select(s => s.Lang));
        Assert.Equal(["de"], column.Sentences[1].ExtraColumns[0]);
    }

    [Fact]
    public void ALanguageThatChangesInsideASentenceIsAProblem()
    {
        var error = ConllText.Fails("a en O\nb de O\n", options: new ConllReadOptions { LanguageColumn = 1 });

        Assert.Contains("bad.txt:2: language \"de\" differs from \"en\" on line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdsUseTheGivenPrefixAndAreStableAcrossReads()
    {
        const string text = "a O\n\nb O\n";
        var options = new ConllReadOptions { IdPrefix = "en/train" };

        var first = ConllText.Read(text, options: options);
        var second = ConllText.Read(text, options: options);

        Assert.Equal(["en/train:0", "en/train:1"], first.Sentences.Select(s => s.Id));
        Assert.Equal(first.Sentences.Select(s => s.Id), second.Sentences.Select(s => s.Id));
    }

    [Fact]
    public void Sha256IsOfTheBytesRead()
    {
        var corpus = ConllText.Read("a O\n");

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("a O\n"u8)), corpus.Sha256);
    }
}
