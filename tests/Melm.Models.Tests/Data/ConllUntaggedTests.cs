using System.Text;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Data;

public sealed class ConllUntaggedTests
{
    private static readonly ConllReadOptions Untagged = new() { AllowUntagged = true };

    [Fact]
    public void TokensAloneReadWithPlaceholderTags()
    {
        var corpus = ConllReader.Parse(Encoding.UTF8.GetBytes("-DOCSTART-\n\nEU\nrejects\n\nPeter  \nBlackburn\n"), "raw.txt", Untagged);

        Assert.Equal([["EU", "rejects"], ["Peter", "Blackburn"]], corpus.Sentences.Select(s => s.Tokens));
        Assert.All(corpus.Sentences, s => Assert.All(s.Tags, t => Assert.Equal(Tag.OutsideText, t)));
        Assert.Equal([6, 7], corpus.Sentences[1].Lines);
    }

    [Fact]
    public void ATaggedFileStillReadsItsTagsWhenUntaggedInputIsAllowed()
    {
        var corpus = ConllReader.Parse(Encoding.UTF8.GetBytes("EU B-ORG\nrejects O\n"), "tagged.txt", Untagged);

        Assert.Equal(["B-ORG", "O"], corpus.Sentences[0].Tags);
    }

    [Theory]
    [InlineData("EU\nrejects O\n", "raw.txt:2: 2 columns, but line 1 holds a token alone")]
    [InlineData("EU B-ORG\nrejects\n", "raw.txt:2: only one column (\"rejects\")")]
    public void MixedColumnCountsAreProblems(string text, string expected)
    {
        var error = Assert.Throws<InputException>(() => ConllReader.Parse(Encoding.UTF8.GetBytes(text), "raw.txt", Untagged));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheOptionOneColumnIsStillAProblem()
    {
        var error = Assert.Throws<InputException>(() => ConllReader.Parse(Encoding.UTF8.GetBytes("EU\n"), "raw.txt"));

        Assert.StartsWith("raw.txt:1: only one column", error.Message, StringComparison.Ordinal);
    }
}
