using Melm.Models.Baselines;
using Melm.Models.Data;
using Melm.Models.Augmentation;

namespace Melm.Models.Tests.Baselines;

public class SentenceRewriterTests
{
    [Theory]
    [InlineData(TagScheme.Iob1, "The/O Lake/I-LOC Tahoe/I-LOC Nevada/B-LOC area/O")]
    [InlineData(TagScheme.Iob2, "The/O Lake/B-LOC Tahoe/I-LOC Nevada/B-LOC area/O")]
    [InlineData(TagScheme.Bioes, "The/O Lake/B-LOC Tahoe/E-LOC Nevada/S-LOC area/O")]
    public void ALongerSubstituteShiftsTheFollowingEntityAndKeepsAdjacentEntitiesApart(TagScheme scheme, string expected)
    {
        var source = TagSchemes.Convert(TinyCorpus.Parse("s:1", null, "The/O Reno/B-LOC Nevada/B-LOC area/O"), scheme);
        var lake = new Mention(null, "LOC", ["Lake", "Tahoe"], "d:7");
        var rewrite = SentenceRewriter.Rewrite(source, [new MentionChoice(new EntitySpan("LOC", 1, 2), lake, Choices.Random)], scheme, "label-wise", 2);

        Assert.Equal(expected, TinyCorpus.Show(rewrite.Sentence));
        var substitution = Assert.Single(rewrite.Substitutions);
        Assert.Equal(new EntitySpan("LOC", 1, 3), substitution.Replaced);
        Assert.Equal(["Reno"], substitution.OriginalTokens);
        Assert.Equal("s:1/label-wise/r2", rewrite.Sentence.Id);
    }

    [Fact]
    public void AShorterSubstituteShrinksTheSentence()
    {
        var source = TinyCorpus.Parse("s:2", "en", "Met/O New/B-LOC York/I-LOC City/I-LOC officials/O");
        var rewrite = SentenceRewriter.Rewrite(source, [new MentionChoice(new EntitySpan("LOC", 1, 4), new Mention("es", "LOC", ["Madrid"], "es:3"), Choices.Nearest, 0.9)], TagScheme.Iob2, "code-mix", 1);

        Assert.Equal("Met/O Madrid/B-LOC officials/O", TinyCorpus.Show(rewrite.Sentence));
        Assert.Equal("en", rewrite.Sentence.Lang);
        Assert.Equal(["en", "es", "en"], rewrite.TokenLanguages());
    }

    [Fact]
    public void AChoiceThatIsNotAnEntityOfTheSentenceIsRefused()
    {
        var source = TinyCorpus.Parse("s:3", "en", "Met/O New/B-LOC York/I-LOC");
        var wrong = new MentionChoice(new EntitySpan("LOC", 1, 2), new Mention("en", "LOC", ["Rome"], "x"), Choices.Random);
        Assert.Throws<ArgumentException>(() => SentenceRewriter.Rewrite(source, [wrong], TagScheme.Iob2, "m", 1));
    }
}
