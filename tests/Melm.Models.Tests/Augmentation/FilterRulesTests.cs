using Melm.Models.Augmentation;

namespace Melm.Models.Tests.Augmentation;

public sealed class FilterRulesTests
{
    // Source "Ann met Bob Lee in Rome" with PER, PER and LOC; the rewrite changed "Bob" only.
    private static readonly string[] Source = ["Ann", "met", "Bob", "Lee", "in", "Rome"];
    private static readonly string[] Rewrite = ["Ann", "met", "Rob", "Lee", "in", "Rome"];
    private static readonly string[] Tags = ["B-PER", "O", "B-PER", "I-PER", "O", "B-LOC"];

    [Fact]
    public void TheSentenceRuleWantsEveryTokenAsIntended()
    {
        Assert.True(FilterRules.Keeps(FilterRule.Sentence, Rewrite, Tags, Tags, Source));
        Assert.False(FilterRules.Keeps(FilterRule.Sentence, Rewrite, Tags, ["B-PER", "O", "B-PER", "I-PER", "O", "B-ORG"], Source));
    }

    [Fact]
    public void TheMentionsRuleJudgesOnlyTheRewrittenMentionsAndTheirEnd()
    {
        // Rome is mistagged, but Rome was not rewritten: kept. (The paper's rule drops it.)
        Assert.True(FilterRules.Keeps(FilterRule.Mentions, Rewrite, Tags, ["O", "O", "B-PER", "I-PER", "O", "B-ORG"], Source));
        // The rewritten mention itself is cut short or mistyped: dropped.
        Assert.False(FilterRules.Keeps(FilterRule.Mentions, Rewrite, Tags, ["B-PER", "O", "B-PER", "O", "O", "B-LOC"], Source));
        Assert.False(FilterRules.Keeps(FilterRule.Mentions, Rewrite, Tags, ["B-PER", "O", "B-ORG", "I-ORG", "O", "B-LOC"], Source));
        // The tagger runs the mention on into the next token: dropped.
        var longer = new[] { "B-PER", "O", "B-PER", "I-PER", "I-PER", "B-LOC" };
        Assert.False(FilterRules.Keeps(FilterRule.Mentions, Rewrite, Tags, longer, Source));
    }

    [Fact]
    public void TheMentionsRuleJudgesEveryMentionWhenTheLengthsDiffer() =>
        Assert.False(FilterRules.Keeps(FilterRule.Mentions, ["Ann", "met", "Rob", "in", "Rome"], ["B-PER", "O", "B-PER", "O", "B-LOC"],
            ["O", "O", "B-PER", "O", "B-LOC"], Source));

    [Fact]
    public void TheNoWorseRuleComparesAgreementWithTheSourceSentences()
    {
        string[] oneWrong = ["B-PER", "O", "B-PER", "I-PER", "O", "O"];
        string[] twoWrong = ["O", "O", "B-PER", "I-PER", "O", "O"];
        Assert.True(FilterRules.Keeps(FilterRule.NoWorse, Rewrite, Tags, oneWrong, Source, sourcePredicted: twoWrong, sourceTags: Tags));
        Assert.True(FilterRules.Keeps(FilterRule.NoWorse, Rewrite, Tags, oneWrong, Source, sourcePredicted: oneWrong, sourceTags: Tags));
        Assert.False(FilterRules.Keeps(FilterRule.NoWorse, Rewrite, Tags, twoWrong, Source, sourcePredicted: oneWrong, sourceTags: Tags));
        Assert.Throws<ArgumentException>(() => FilterRules.Keeps(FilterRule.NoWorse, Rewrite, Tags, oneWrong, Source));
    }

    [Theory]
    [InlineData("sentence", FilterRule.Sentence)]
    [InlineData("Mentions", FilterRule.Mentions)]
    [InlineData("no-worse", FilterRule.NoWorse)]
    public void NamesRoundTrip(string name, FilterRule rule)
    {
        Assert.Equal(rule, FilterRules.Parse(name));
        Assert.Equal(name.ToLowerInvariant(), FilterRules.Name(rule));
    }

    [Fact]
    public void ThePapersRuleLeavesGenerationOptionsJsonAsItWasSoRunIdsStay()
    {
        var json = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };

        var paper = System.Text.Json.JsonSerializer.Serialize(new GenerationOptions(), json);
        var mentions = System.Text.Json.JsonSerializer.Serialize(new GenerationOptions(Filter: FilterRule.Mentions), json);

        Assert.Equal("""{"rounds":3,"top_k":5,"mu":0.5,"sampling":0,"same_script":false,"batch_size":32,"seed":1}""", paper);
        Assert.Contains("\"filter\":1", mentions, StringComparison.Ordinal);
        Assert.Equal(FilterRule.Mentions, System.Text.Json.JsonSerializer.Deserialize<GenerationOptions>(mentions, json)!.Filter);
        Assert.Equal(FilterRule.Sentence, System.Text.Json.JsonSerializer.Deserialize<GenerationOptions>(paper, json)!.Filter);
    }
}
