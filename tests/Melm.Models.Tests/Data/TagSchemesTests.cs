using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Data;

public sealed class TagSchemesTests
{
    [Theory]
    [InlineData(TagScheme.Iob2, new[] { "B-PER", "I-PER", "O" }, new[] { "B-LOC", "B-LOC" })]
    [InlineData(TagScheme.Iob1, new[] { "B-PER", "I-PER", "O" }, new[] { "O", "I-LOC" })]
    [InlineData(TagScheme.Iob1, new[] { "I-PER", "B-PER" }, new[] { "O" })]
    [InlineData(TagScheme.Bioes, new[] { "B-PER", "E-PER" }, new[] { "S-LOC" })]
    [InlineData(TagScheme.Iob2, new[] { "O", "O" }, new[] { "O" })]
    public void DetectsTheSchemeOfAFile(TagScheme expected, string[] first, string[] second)
    {
        Assert.Equal(expected, TagSchemes.Detect([first, second]));
    }

    [Fact]
    public void ConvertsBetweenAllSchemesAndBack()
    {
        string[] iob2 = ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG", "I-ORG"];
        foreach (var via in new[] { TagScheme.Iob1, TagScheme.Bioes })
        {
            foreach (var then in new[] { TagScheme.Iob1, TagScheme.Iob2, TagScheme.Bioes })
            {
                var there = TagSchemes.Convert(TagSchemes.Convert(iob2, via), then);
                Assert.Equal(iob2, TagSchemes.Convert(there, TagScheme.Iob2));
            }
        }
        Assert.Equal(["B-PER", "E-PER", "S-PER", "O", "S-LOC", "B-ORG", "I-ORG", "E-ORG"], TagSchemes.Convert(iob2, TagScheme.Bioes));
    }

    [Fact]
    public void ConvertingACorpusKeepsIdsTokensAndLines()
    {
        var corpus = ConllText.Read("Peter I-PER\nBlackburn I-PER\n");

        var converted = TagSchemes.Convert(corpus, TagScheme.Iob2);

        var sentence = Assert.Single(converted.Sentences);
        Assert.Equal(["B-PER", "I-PER"], sentence.Tags);
        Assert.Equal(corpus.Sentences[0].Tokens, sentence.Tokens);
        Assert.Equal("t:0", sentence.Id);
        Assert.Equal([1, 2], sentence.Lines);
    }

    [Theory]
    [InlineData(TagScheme.Iob2, new[] { "O", "I-PER" }, 1, "illegal transition O -> I-PER in IOB2")]
    [InlineData(TagScheme.Iob2, new[] { "I-PER" }, 0, "illegal transition the sentence start -> I-PER in IOB2")]
    [InlineData(TagScheme.Iob2, new[] { "B-LOC", "I-PER" }, 1, "illegal transition B-LOC -> I-PER in IOB2")]
    [InlineData(TagScheme.Iob2, new[] { "S-PER" }, 0, "tag \"S-PER\": S- is not used in IOB2")]
    [InlineData(TagScheme.Bioes, new[] { "B-PER", "O" }, 0, "illegal transition B-PER -> O in BIOES")]
    [InlineData(TagScheme.Bioes, new[] { "O", "B-PER" }, 1, "illegal transition B-PER -> the sentence end in BIOES")]
    [InlineData(TagScheme.Bioes, new[] { "O", "I-PER", "E-PER" }, 1, "illegal transition O -> I-PER in BIOES")]
    [InlineData(TagScheme.Bioes, new[] { "S-PER", "E-PER" }, 1, "illegal transition S-PER -> E-PER in BIOES")]
    [InlineData(TagScheme.Bioes, new[] { "B-PER", "E-LOC" }, 1, "illegal transition B-PER -> E-LOC in BIOES")]
    [InlineData(TagScheme.Iob1, new[] { "B_PER" }, 0, "malformed tag \"B_PER\"")]
    public void StrictSchemesRejectIllegalTransitions(TagScheme scheme, string[] tags, int index, string message)
    {
        var problem = Assert.Single(TagSchemes.Check(tags, scheme));

        Assert.Equal(index, problem.Index);
        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iob1AllowsWhatConllevalReads()
    {
        Assert.Empty(TagSchemes.Check(["O", "I-PER", "B-PER", "I-LOC", "B-ORG"], TagScheme.Iob1));
    }

    [Fact]
    public void ValidationNamesFileAndLine()
    {
        var corpus = ConllText.Read("a O\n\nb O\nc I-PER\n", "train.txt");

        var problems = TagSchemes.Validate(corpus, TagScheme.Iob2);

        Assert.Equal([new InputProblem("train.txt", 4, "illegal transition O -> I-PER in IOB2: an entity starts with B-PER")], problems);
    }

    [Fact]
    public void EnsureValidDetectsAndThrowsWithEveryProblem()
    {
        var bioes = ConllText.Read("a B-PER\nb O\n\nc S-LOC\nd E-LOC\n", "x.txt");
        var iob1 = ConllText.Read("a I-PER\n", "y.txt");

        var error = Assert.Throws<InputException>(() => TagSchemes.EnsureValid(bioes));

        Assert.Equal([1, 5], error.Problems.Select(p => p.Line));
        Assert.Equal(TagScheme.Iob1, TagSchemes.EnsureValid(iob1));
        Assert.Throws<InputException>(() => TagSchemes.EnsureValid(iob1, TagScheme.Iob2));
    }

    [Fact]
    public void InMemorySentencesAreNamedByIdAndToken()
    {
        var corpus = new Corpus("memory", [new Sentence("aug:3", null, ["x", "y"], ["O", "I-PER"])]);

        var problem = Assert.Single(TagSchemes.Validate(corpus, TagScheme.Iob2));

        Assert.Null(problem.Line);
        Assert.EndsWith("(sentence aug:3, token 2)", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iob1", TagScheme.Iob1)]
    [InlineData("IOB2", TagScheme.Iob2)]
    [InlineData("bio", TagScheme.Iob2)]
    [InlineData("BIOES", TagScheme.Bioes)]
    [InlineData("iobes", TagScheme.Bioes)]
    public void ParsesSchemeNamesAndPrintsThemBack(string text, TagScheme expected)
    {
        Assert.True(TagSchemes.TryParse(text, out var scheme));
        Assert.Equal(expected, scheme);
        Assert.True(TagSchemes.TryParse(TagSchemes.Name(scheme), out var again));
        Assert.Equal(scheme, again);
        Assert.False(TagSchemes.TryParse("BILOU", out _));
    }
}
