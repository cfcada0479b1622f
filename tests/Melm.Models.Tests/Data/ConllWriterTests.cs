using System.Text;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Data;

public sealed class ConllWriterTests
{
    public static TheoryData<string> WellFormedFiles() =>
    [
        "EU\tB-ORG\nrejects\tO\n\nPeter\tB-PER\nBlackburn\tI-PER\n\n",
        "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n",
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\n\n\n\nx NN I-NP O\n-DOCSTART- -X- -X- O\ny NN B-NP O\n\n",
        "\n\na O\n \t \nb  O  \n\t\n\n",
        "a O\r\nb O\r\n\r\nc O\r\n",
        "a O\n\nb O",
        "Köln\tB-LOC\n日本\tB-LOC\n",
    ];

    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void ReadingThenWritingReproducesTheBytes(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.Equal(bytes, ConllWriter.Serialize(ConllReader.Parse(bytes, "t.txt")));
    }

    [Fact]
    public void ABomIsWrittenBack()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "a O\n"u8];

        Assert.Equal(bytes, ConllWriter.Serialize(ConllReader.Parse(bytes, "t.txt")));
    }

    [Fact]
    public void MixedLineEndingsAreNormalisedToTheFirstLinesEnding()
    {
        var corpus = ConllText.Read("a O\r\nb O\n\nc O\n");

        Assert.Equal("a O\r\nb O\r\n\r\nc O\r\n", Encoding.UTF8.GetString(ConllWriter.Serialize(corpus)));
    }

    [Fact]
    public void ChangedTagsKeepTheSpacingOfTheirLines()
    {
        var corpus = ConllText.Read("EU  B-ORG \nrejects O\n");
        var changed = corpus with { Sentences = [corpus.Sentences[0] with { Tags = ["B-LOC", "O"] }] };

        Assert.Equal("EU  B-LOC \nrejects O\n", Encoding.UTF8.GetString(ConllWriter.Serialize(changed)));
    }

    [Fact]
    public void SentencesWithoutLayoutAreTabSeparatedWithABlankLineAfterEach()
    {
        Sentence[] sentences =
        [
            new("s:0", "en", ["EU", "rejects"], ["B-ORG", "O"]),
            new("s:1", "en", ["Peter"], ["B-PER"]) { ExtraColumns = [["NNP"]] },
        ];

        var text = Encoding.UTF8.GetString(ConllWriter.SerializeSentences(sentences, "out.txt"));

        Assert.Equal("EU\tB-ORG\nrejects\tO\n\nPeter\tNNP\tB-PER\n\n", text);
    }

    [Fact]
    public void WritingASampleDropsDocstartLinesButKeepsTokenSpacing()
    {
        var corpus = ConllText.Read("-DOCSTART- O\n\na  O\n\n\n\nb O\n");

        var text = Encoding.UTF8.GetString(ConllWriter.SerializeSentences(corpus.Sentences, "out.txt"));

        Assert.Equal("a  O\n\nb O\n\n", text);
    }

    [Fact]
    public void TokensAColumnCannotHoldAreRefusedNotMangled()
    {
        Sentence[] sentences = [new("s:0", null, ["New York", ""], ["B-LOC", "O"])];

        var error = Assert.Throws<InputException>(() => ConllWriter.SerializeSentences(sentences, "out.txt"));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("out.txt: sentence s:0, token 1: \"New York\"", error.Message, StringComparison.Ordinal);
    }
}
