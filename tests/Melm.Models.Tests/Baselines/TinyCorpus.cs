using Melm.Models.Data;

namespace Melm.Models.Tests.Baselines;

/// <summary>Hand-made sentences written as "word/TAG word/TAG ..." for augmentation tests.</summary>
internal static class TinyCorpus
{
    public static Sentence Parse(string id, string? lang, string text)
    {
        var pairs = text.Split(' ').Select(p => p.Split('/')).ToArray();
        return new Sentence(id, lang, pairs.Select(p => p[0]).ToArray(), pairs.Select(p => p[1]).ToArray());
    }

    public static string Show(Sentence sentence) =>
        string.Join(' ', sentence.Tokens.Zip(sentence.Tags, (w, t) => $"{w}/{t}"));

    /// <summary>English IOB2 sentences with PER, LOC and ORG mentions of one to three words.</summary>
    public static IReadOnlyList<Sentence> English() =>
    [
        Parse("en:0", "en", "Peter/B-PER Blackburn/I-PER visited/O Paris/B-LOC ./O"),
        Parse("en:1", "en", "The/O European/B-ORG Union/I-ORG met/O in/O New/B-LOC York/I-LOC City/I-LOC"),
        Parse("en:2", "en", "Anna/B-PER spoke/O to/O Bob/B-PER"),
        Parse("en:3", "en", "Nothing/O happened/O ./O"),
        Parse("en:4", "en", "Berlin/B-LOC hosts/O Siemens/B-ORG"),
    ];
}
