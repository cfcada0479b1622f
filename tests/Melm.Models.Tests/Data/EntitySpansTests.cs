using Melm.Models.Randomness;
using Melm.Models.Data;

namespace Melm.Models.Tests.Data;

public sealed class EntitySpansTests
{
    public static TheoryData<string[], EntitySpan[]> ConllevalCases() => new()
    {
        // An I- after O starts an entity.
        { ["O", "I-PER", "I-PER"], [new("PER", 1, 3)] },
        // An I- at the sentence start starts one too.
        { ["I-PER", "O"], [new("PER", 0, 1)] },
        // B-X then I-Y: the type change ends X and starts Y.
        { ["B-ORG", "I-PER"], [new("ORG", 0, 1), new("PER", 1, 2)] },
        // Type change in the middle of an entity.
        { ["B-PER", "I-PER", "I-LOC", "I-LOC"], [new("PER", 0, 2), new("LOC", 2, 4)] },
        // Entity at the sentence end.
        { ["O", "B-LOC", "I-LOC"], [new("LOC", 1, 3)] },
        // IOB1: B- separates two adjacent entities of one type.
        { ["I-PER", "I-PER", "B-PER", "O"], [new("PER", 0, 2), new("PER", 2, 3)] },
        // IOB2: B- after B- of the same type.
        { ["B-MISC", "B-MISC"], [new("MISC", 0, 1), new("MISC", 1, 2)] },
        // BIOES: E- closes, S- is one token.
        { ["B-PER", "I-PER", "E-PER", "S-LOC", "O", "S-ORG", "S-ORG"], [new("PER", 0, 3), new("LOC", 3, 4), new("ORG", 5, 6), new("ORG", 6, 7)] },
        // BIOES: an I- after E- of the same type starts a new entity.
        { ["B-X", "E-X", "I-X"], [new("X", 0, 2), new("X", 2, 3)] },
        // BIOES read leniently: an unclosed B- is still an entity, an orphan E- too.
        { ["B-PER", "O", "E-LOC"], [new("PER", 0, 1), new("LOC", 2, 3)] },
        { ["O", "O"], [] },
    };

    [Theory]
    [MemberData(nameof(ConllevalCases))]
    public void ReadsAsConllevalDoes(string[] tags, EntitySpan[] expected)
    {
        Assert.Equal(expected, EntitySpans.Read(tags));
    }

    [Fact]
    public void StrictIob2KeepsOnlyEntitiesThatStartWithB()
    {
        string[] tags = ["O", "I-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG", "B-X"];

        Assert.Equal([new EntitySpan("LOC", 3, 5), new EntitySpan("X", 6, 7)], EntitySpans.ReadStrict(tags, TagScheme.Iob2));
    }

    [Fact]
    public void StrictBioesKeepsOnlyClosedEntities()
    {
        string[] tags = ["B-PER", "I-PER", "E-PER", "B-LOC", "O", "S-ORG", "I-ORG", "E-ORG", "B-X", "E-Y", "B-Z"];

        Assert.Equal([new EntitySpan("PER", 0, 3), new EntitySpan("ORG", 5, 6)], EntitySpans.ReadStrict(tags, TagScheme.Bioes));
    }

    [Fact]
    public void StrictIob1IsRefused()
    {
        Assert.Throws<ArgumentException>(() => EntitySpans.ReadStrict(["I-PER"], TagScheme.Iob1));
    }

    [Fact]
    public void WritesSpansInEachScheme()
    {
        EntitySpan[] spans = [new("PER", 0, 2), new("PER", 2, 3), new("LOC", 4, 5), new("ORG", 5, 7)];

        Assert.Equal(["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG"], EntitySpans.Write(spans, 7, TagScheme.Iob2));
        Assert.Equal(["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG"], EntitySpans.Write(spans, 7, TagScheme.Iob1));
        Assert.Equal(["B-PER", "E-PER", "S-PER", "O", "S-LOC", "B-ORG", "E-ORG"], EntitySpans.Write(spans, 7, TagScheme.Bioes));
    }

    [Fact]
    public void OverlappingOrOutOfRangeSpansAreRefused()
    {
        Assert.Throws<ArgumentException>(() => EntitySpans.Write([new("A", 0, 2), new("B", 1, 3)], 3, TagScheme.Iob2));
        Assert.Throws<ArgumentException>(() => EntitySpans.Write([new("A", 2, 4)], 3, TagScheme.Iob2));
    }

    [Fact]
    public void RandomSpansSurviveEverySchemeAndBothReadings()
    {
        var random = new StableRandom(7);
        string[] types = ["PER", "LOC", "product_name"];
        for (var trial = 0; trial < 500; trial++)
        {
            var length = 1 + random.NextInt(12);
            var spans = new List<EntitySpan>();
            for (var i = 0; i < length;)
            {
                if (random.NextInt(2) == 0)
                {
                    i++;
                    continue;
                }
                var end = Math.Min(length, i + 1 + random.NextInt(3));
                spans.Add(new EntitySpan(types[random.NextInt(types.Length)], i, end));
                i = end;
            }
            foreach (var scheme in new[] { TagScheme.Iob1, TagScheme.Iob2, TagScheme.Bioes })
            {
                var tags = EntitySpans.Write(spans, length, scheme);
                Assert.Equal(spans, EntitySpans.Read(tags));
                if (scheme != TagScheme.Iob1)
                    Assert.Equal(spans, EntitySpans.ReadStrict(tags, scheme));
                Assert.Empty(TagSchemes.Check(tags, scheme));
            }
        }
    }
}
