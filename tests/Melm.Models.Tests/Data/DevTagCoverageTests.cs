using Melm.Models.Data;

namespace Melm.Models.Tests.Data;

public sealed class DevTagCoverageTests
{
    private static Sentence S(string id, params string[] tags) => new(id, "en", [.. tags.Select((_, i) => $"w{i}")], tags);

    [Fact]
    public void InIob2ATypeTheTrainingDataLacksAndAMissingPrefixGetBAndIOfTheirType()
    {
        Sentence[] train = [S("t:0", "B-PER", "I-PER", "O", "B-LOC")];
        Sentence[] dev = [S("d:0", "B-ORG", "I-ORG", "O", "B-LOC", "I-LOC"), S("d:1", "B-ORG")];

        var tags = DevTagCoverage.Tags(train, dev);
        var notes = DevTagCoverage.Notes(train, dev, "dev.txt");

        Assert.Equal(["B-LOC", "B-ORG", "B-PER", "I-LOC", "I-ORG", "I-PER"], tags);
        Assert.Equal(2, notes.Count);
        Assert.StartsWith("dev.txt: entity type LOC: 1 dev tokens are tagged I-LOC, which the training data lacks; the run gives it every tag of the scheme (B-LOC, I-LOC)", notes[0], StringComparison.Ordinal);
        Assert.StartsWith("dev.txt: entity type ORG: 3 dev tokens (B-ORG, I-ORG) have this type, which the training data lacks altogether; the run gives it every tag of the scheme (B-ORG, I-ORG)", notes[1], StringComparison.Ordinal);
    }

    [Fact]
    public void InBioesATypeTheTrainingDataLacksGetsAllFourPrefixesAndCoveredTypesKeepTheirOwn()
    {
        Sentence[] train = [S("t:0", "S-PER", "O", "B-ORG", "E-ORG")];
        Sentence[] dev = [S("d:0", "B-LOC", "I-LOC", "E-LOC", "O", "S-ORG", "S-PER")];

        var tags = DevTagCoverage.Tags(train, dev);
        var notes = DevTagCoverage.Notes(train, dev, "dev.txt");

        // PER's S- is in the training data, so PER keeps its one tag; ORG lacks S- and LOC is new: all four prefixes each.
        Assert.Equal(["B-LOC", "B-ORG", "E-LOC", "E-ORG", "I-LOC", "I-ORG", "S-LOC", "S-ORG", "S-PER"], tags);
        Assert.Equal(2, notes.Count);
        Assert.Contains("entity type LOC: 3 dev tokens (B-LOC, E-LOC, I-LOC) have this type, which the training data lacks altogether; the run gives it every tag of the scheme (B-LOC, E-LOC, I-LOC, S-LOC)", notes[0], StringComparison.Ordinal);
        Assert.Contains("entity type ORG: 1 dev tokens are tagged S-ORG, which the training data lacks; the run gives it every tag of the scheme (B-ORG, E-ORG, I-ORG, S-ORG)", notes[1], StringComparison.Ordinal);
    }

    [Fact]
    public void WhenTheTrainingDataHasEveryDevTagTheTagsAreItsOwnEvenWithAPrefixMissing()
    {
        // No I-MISC anywhere: completing the scheme would add a marker, and with it change the outputs of runs that worked before.
        Sentence[] train = [S("t:0", "B-PER", "I-PER", "O", "B-MISC"), S("t:1", "B-MISC")];
        Sentence[] dev = [S("d:0", "B-MISC", "O", "B-PER")];

        Assert.Equal(["B-MISC", "B-PER", "I-PER"], DevTagCoverage.Tags(train, dev));
        Assert.Equal(DevTagCoverage.Tags(train, null), DevTagCoverage.Tags(train, dev));
        Assert.Empty(DevTagCoverage.Notes(train, dev, "dev.txt"));
    }

    [Fact]
    public void OnTheDutchSampleTheDevLocationsTheTrainingSampleLacksGetTheirTagAndOneNote()
    {
        var train = ConllReader.Read(SharedFiles.Require("data/conll/nl/train.txt")).Sentences.Take(120).ToArray();
        var dev = ConllReader.Read(SharedFiles.Require("data/conll/nl/dev.txt")).Sentences.Take(20).ToArray();
        var trained = train.SelectMany(s => s.Tags).ToHashSet(StringComparer.Ordinal);
        var missing = dev.SelectMany(s => s.Tags).Where(t => !trained.Contains(t)).ToArray();
        Assert.True(missing.Length > 0, "the sample no longer has a dev tag its training sample lacks: this test checks nothing");

        var tags = DevTagCoverage.Tags(train, dev);
        var notes = DevTagCoverage.Notes(train, dev, "nl/dev.txt");

        Assert.All(dev.SelectMany(s => s.Tags).Where(t => t != "O"), t => Assert.Contains(t, tags));
        Assert.All(trained.Where(t => t != "O"), t => Assert.Contains(t, tags));
        var types = missing.Select(t => Tag.Parse(t).Type).Distinct().ToArray();
        Assert.Equal(types.Length, notes.Count);
        foreach (var type in types)
            Assert.Contains(notes, n => n.Contains($"entity type {type}: {missing.Count(t => Tag.Parse(t).Type == type)} dev tokens", StringComparison.Ordinal));
    }
}
