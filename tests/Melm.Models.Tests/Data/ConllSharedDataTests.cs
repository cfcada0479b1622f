using System.Security.Cryptography;
using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Evaluation;

namespace Melm.Models.Tests.Data;

/// <summary>The real CoNLL-2002/2003 files in ../shared read with exactly the counts STATS.json records.</summary>
public sealed class ConllSharedDataTests
{
    private static readonly string[] Languages = ["en", "de", "es", "nl"];
    private static readonly string[] SplitNames = ["train", "dev", "test"];

    public static TheoryData<string> Splits() =>
        new(from lang in Languages from split in SplitNames select $"{lang}/{split}");

    [Theory]
    [MemberData(nameof(Splits))]
    public void EverySplitReadsWithTheRecordedCountsAndScoresItself100(string split)
    {
        var stats = Stats(split);
        var path = SharedFiles.Require($"data/conll/{split}.txt");

        var corpus = ConllReader.Read(path, new ConllReadOptions { IdPrefix = split, Language = split[..2] });

        Assert.Equal(stats.GetProperty("sha256").GetString(), corpus.Sha256);
        Assert.Equal(stats.GetProperty("sentences").GetInt32(), corpus.Sentences.Count);
        Assert.Equal(stats.GetProperty("tokens").GetInt32(), corpus.TokenCount);
        var entities = corpus.Sentences.SelectMany(s => s.Entities()).GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Count());
        var expected = stats.GetProperty("entities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(expected.OrderBy(p => p.Key), entities.OrderBy(p => p.Key));
        Assert.Equal(TagScheme.Iob2, TagSchemes.EnsureValid(corpus));
        Assert.Equal(stats.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(ConllWriter.Serialize(corpus))));

        var report = EntityF1.Score(corpus, corpus);

        Assert.Equal(expected.Values.Sum(), report.Overall.Gold);
        Assert.Equal(100.0, report.Overall.F1);
        Assert.All(report.PerType, row => Assert.Equal(100.0, row.F1));
    }

    private static JsonElement Stats(string split)
    {
        var path = SharedFiles.Require("data/conll/STATS.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty(split).Clone();
    }
}
