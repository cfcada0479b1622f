using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Randomness;

namespace Melm.Models.Tests.Ner;

public class TransitionRulesTests
{
    [Theory]
    [InlineData(TagScheme.Iob1, "O,B-PER,I-PER,B-LOC,I-LOC")]
    [InlineData(TagScheme.Iob2, "O,B-PER,I-PER,B-LOC,I-LOC")]
    [InlineData(TagScheme.Bioes, "O,B-PER,I-PER,E-PER,S-PER,B-LOC,I-LOC,E-LOC,S-LOC")]
    public void ASequenceUsesOnlyAllowedTransitionsExactlyWhenTheValidatorAcceptsIt(TagScheme scheme, string labelList)
    {
        var labels = labelList.Split(',');
        var rules = TransitionRules.For(labels, scheme);
        var rng = new StableRandom(31);
        int valid = 0, invalid = 0;
        for (var trial = 0; trial < 3000; trial++)
        {
            var path = Enumerable.Range(0, 1 + rng.NextInt(5)).Select(_ => rng.NextInt(labels.Length)).ToArray();
            var byRules = rules.AllowedStart[path[0]] && rules.AllowedEnd[path[^1]]
                && Enumerable.Range(1, path.Length - 1).All(t => rules.Allowed[path[t - 1], path[t]]);
            var byValidator = TagSchemes.Check(path.Select(i => labels[i]).ToArray(), scheme).Count == 0;
            Assert.Equal(byValidator, byRules);
            if (byRules) valid++; else invalid++;
        }
        Assert.True(valid > 100);
        if (scheme != TagScheme.Iob1)
            Assert.True(invalid > 100);
    }
}
