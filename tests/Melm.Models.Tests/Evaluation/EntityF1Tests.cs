using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Evaluation;
using Melm.Models.Tests.Data;

namespace Melm.Models.Tests.Evaluation;

public sealed class EntityF1Tests
{
    [Fact]
    public void HandWorkedMicroAndPerTypeScores()
    {
        // Gold: PER(0,2) LOC(3,4) | ORG(0,1) LOC(2,3). Predicted: PER(0,2) LOC(3,4)... see below.
        (IReadOnlyList<string>, IReadOnlyList<string>)[] pairs =
        [
            (["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "I-PER", "O", "B-ORG"]),
            (["B-ORG", "O", "B-LOC"], ["B-ORG", "O", "O"]),
        ];

        var report = EntityF1.Score(pairs);

        // Gold 4 (PER, LOC, ORG, LOC); predicted 3 (PER, ORG at 3, ORG); correct 2 (PER, ORG in sentence 2).
        Assert.Equal(new EntityCounts(EntityF1.Overall, 4, 3, 2), report.Overall);
        Assert.Equal(100.0 * 2 / 3, report.Overall.Precision, 10);
        Assert.Equal(50.0, report.Overall.Recall, 10);
        Assert.Equal(2 * (200.0 / 3) * 50 / ((200.0 / 3) + 50), report.Overall.F1, 10);
        Assert.Equal(
            [new EntityCounts("LOC", 2, 0, 0), new EntityCounts("ORG", 1, 2, 1), new EntityCounts("PER", 1, 1, 1)],
            report.PerType);
        Assert.Equal(2, report.Sentences);
        Assert.Equal("conlleval", report.Mode);
    }

    [Fact]
    public void AnIAfterOStartsAnEntityInConllevalButNotInStrictMode()
    {
        (IReadOnlyList<string>, IReadOnlyList<string>)[] pairs = [(["O", "B-PER", "I-PER"], ["O", "I-PER", "I-PER"])];

        var conlleval = EntityF1.Score(pairs);
        var strict = EntityF1.Score(pairs, TagScheme.Iob2);

        Assert.Equal(new EntityCounts(EntityF1.Overall, 1, 1, 1), conlleval.Overall);
        Assert.Equal(new EntityCounts(EntityF1.Overall, 1, 0, 0), strict.Overall);
        Assert.Equal("strict IOB2", strict.Mode);
    }

    [Fact]
    public void ATypeChangeMidEntitySplitsItAndMatchesNeitherHalf()
    {
        (IReadOnlyList<string>, IReadOnlyList<string>)[] pairs = [(["B-PER", "I-PER", "I-PER"], ["B-PER", "I-LOC", "I-LOC"])];

        var report = EntityF1.Score(pairs);

        Assert.Equal(new EntityCounts(EntityF1.Overall, 1, 2, 0), report.Overall);
        Assert.Equal(0.0, report.Overall.F1);
    }

    [Fact]
    public void BoundariesMustMatchExactlyIncludingAtTheSentenceEnd()
    {
        (IReadOnlyList<string>, IReadOnlyList<string>)[] pairs =
        [
            (["O", "B-LOC", "I-LOC"], ["O", "B-LOC", "I-LOC"]),
            (["O", "B-LOC", "I-LOC"], ["O", "O", "B-LOC"]),
            (["B-ORG", "I-ORG"], ["B-ORG", "B-ORG"]),
        ];

        var report = EntityF1.Score(pairs);

        Assert.Equal(new EntityCounts(EntityF1.Overall, 3, 4, 1), report.Overall);
    }

    [Fact]
    public void Iob1AndBioesInputsScoreTheSameEntities()
    {
        string[] iob2 = ["B-PER", "I-PER", "B-PER", "O", "B-LOC"];
        string[] iob1 = ["I-PER", "I-PER", "B-PER", "O", "I-LOC"];
        string[] bioes = ["B-PER", "E-PER", "S-PER", "O", "S-LOC"];

        Assert.Equal(100.0, EntityF1.Score([(iob2, iob1)]).Overall.F1);
        Assert.Equal(100.0, EntityF1.Score([(bioes, iob2)]).Overall.F1);
        Assert.Equal(100.0, EntityF1.Score([(bioes, bioes)], TagScheme.Bioes).Overall.F1);
        Assert.Equal(new EntityCounts(EntityF1.Overall, 3, 2, 2), EntityF1.Score([(bioes, ["B-PER", "E-PER", "S-PER", "O", "B-LOC"])], TagScheme.Bioes).Overall);
    }

    [Fact]
    public void NothingToFindAndNothingFoundScoresZeroNotNaN()
    {
        var report = EntityF1.Score([(["O"], ["O"])]);

        Assert.Equal(0.0, report.Overall.F1);
        Assert.Empty(report.PerType);
    }

    [Fact]
    public void MisalignedCorporaAreReportedWithFileAndLine()
    {
        var gold = ConllText.Read("a O\nb O\n\nc O\n\nd O\n", "gold.txt");
        var predicted = ConllText.Read("a O\n\nc O\n", "pred.txt");
        var changed = ConllText.Read("a O\nx O\n\nc O\n\nd O\n", "pred.txt");

        var error = Assert.Throws<InputException>(() => EntityF1.Score(gold, predicted));
        var tokenError = Assert.Throws<InputException>(() => EntityF1.Score(gold, changed));

        Assert.Equal(
            ["pred.txt:1: sentence 1 has 1 tokens but the gold sentence (gold.txt:1) has 2", "pred.txt: 2 sentences but the gold file gold.txt has 3"],
            error.Problems.Select(p => p.ToString()));
        Assert.Equal("pred.txt:2: token \"x\" differs from the gold token \"b\" (gold.txt:2)", Assert.Single(tokenError.Problems).ToString());
    }
}
