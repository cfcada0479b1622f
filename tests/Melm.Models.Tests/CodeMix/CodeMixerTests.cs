using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Baselines;
using Melm.Models.Augmentation;

namespace Melm.Models.Tests.CodeMix;

public class CodeMixerTests
{
    /// <summary>Vectors by mention text, as a file of aligned vectors would give them.</summary>
    private sealed class TableEmbedder(IReadOnlyDictionary<string, float[]> table) : IMentionEmbedder
    {
        public string Description => "test table";

        public List<string> Languages { get; } = [];

        public IReadOnlyList<float[]?> Embed(string language, IReadOnlyList<IReadOnlyList<string>> mentions)
        {
            Languages.Add(language);
            return mentions.Select(m => table.GetValueOrDefault(string.Join(' ', m))).ToArray();
        }
    }

    private static readonly Dictionary<string, float[]> Table = new()
    {
        ["Paris"] = [1f, 0f, 0f],
        ["London"] = [0f, 1f, 0f],
        ["Peter"] = [0f, 0f, 1f],
        ["Londres"] = [0.1f, 1f, 0f],
        ["París"] = [1f, 0.1f, 0f],
        ["Pedro"] = [0f, 0.2f, 1f],
        ["Juan"] = [0f, 1f, 0.2f],
    };

    private static IReadOnlyList<Sentence> TwoLanguages() =>
    [
        TinyCorpus.Parse("en:0", "en", "Peter/B-PER flew/O to/O Paris/B-LOC"),
        TinyCorpus.Parse("en:1", "en", "London/B-LOC is/O big/O"),
        TinyCorpus.Parse("en:2", "en", "Nothing/O here/O"),
        TinyCorpus.Parse("en:3", "en", "Acme/B-ORG Corp/I-ORG hired/O Peter/B-PER"),
        TinyCorpus.Parse("es:0", "es", "Pedro/B-PER vive/O en/O Londres/B-LOC"),
        TinyCorpus.Parse("es:1", "es", "París/B-LOC y/O Juan/B-PER"),
    ];

    [Fact]
    public void PicksTheKnownNearestNeighbourOfTheOtherLanguage()
    {
        var embedder = new TableEmbedder(Table);
        var result = CodeMixer.MixNearest(TwoLanguages(), TagScheme.Iob2, rounds: 1, seed: 1, embedder);
        var mixed = result.Sentences.ToDictionary(s => s.Provenance!.SourceId);

        Assert.Equal("Pedro/B-PER flew/O to/O París/B-LOC", TinyCorpus.Show(mixed["en:0"]));
        Assert.Equal("Londres/B-LOC is/O big/O", TinyCorpus.Show(mixed["en:1"]));
        Assert.Equal("Peter/B-PER vive/O en/O London/B-LOC", TinyCorpus.Show(mixed["es:0"]));
        Assert.Equal("Paris/B-LOC y/O Peter/B-PER", TinyCorpus.Show(mixed["es:1"]));
        Assert.Equal(["en", "es"], embedder.Languages);
        var pedro = mixed["en:0"];
        Assert.Equal("en", pedro.Lang);
        Assert.Equal("en:0/code-mix/r1", pedro.Id);
        Assert.Equal(new Provenance("en:0", 1, "code-mix"), pedro.Provenance);
        var rewrite = result.Rewrites.Single(r => r.Sentence == pedro);
        Assert.Equal(["es", "en", "en", "es"], rewrite.TokenLanguages());
        Assert.All(rewrite.Substitutions, s => Assert.Equal(Choices.Nearest, s.Choice));
        Assert.Equal(Cosine(Table["Paris"], Table["París"]), rewrite.Substitutions[1].Similarity!.Value, 5);
    }

    [Fact]
    public void AMentionWithoutVectorFallsBackToRandomAndIsCounted()
    {
        var table = new Dictionary<string, float[]>(Table);
        table.Remove("Peter");
        var result = CodeMixer.MixNearest(TwoLanguages(), TagScheme.Iob2, 1, 1, new TableEmbedder(table));
        var peter = result.Rewrites.Single(r => r.Sentence.Provenance!.SourceId == "en:0").Substitutions[0];
        Assert.Equal(Choices.RandomSourceWithoutVector, peter.Choice);
        Assert.Equal("es", peter.Substitute.Lang);
        Assert.Equal(2, ChoicesMade(result, Choices.RandomSourceWithoutVector));
        var enPer = result.Counts.Single(c => c is { SourceLang: "en", TargetLang: "es", Type: "PER" });
        Assert.Equal((0, 2), (enPer.Substituted, enPer.Fallbacks));
    }

    [Fact]
    public void TargetsWithoutVectorsFallBackToRandomAndSaySo()
    {
        var table = new Dictionary<string, float[]>(Table);
        table.Remove("Londres");
        table.Remove("París");
        var result = CodeMixer.MixNearest(TwoLanguages(), TagScheme.Iob2, 1, 1, new TableEmbedder(table));
        var paris = result.Rewrites.Single(r => r.Sentence.Provenance!.SourceId == "en:0").Substitutions[1];
        Assert.Equal(Choices.RandomTargetsWithoutVector, paris.Choice);
        Assert.Null(paris.Similarity);
        Assert.Equal(2, ChoicesMade(result, Choices.RandomTargetsWithoutVector));
        // Londres and París lost their vectors as originals too.
        Assert.Equal(Choices.RandomSourceWithoutVector, result.Rewrites.Single(r => r.Sentence.Provenance!.SourceId == "es:0").Substitutions[1].Choice);
        Assert.Equal(2, ChoicesMade(result, Choices.RandomSourceWithoutVector));
        Assert.Equal(Choices.Nearest, result.Rewrites.Single(r => r.Sentence.Provenance!.SourceId == "es:0").Substitutions[0].Choice);
    }

    [Fact]
    public void TypesNoOtherLanguageHasAreKeptAndCounted()
    {
        var result = CodeMixer.MixRandom(TwoLanguages(), TagScheme.Iob2, 2, 9);
        var acme = result.Sentences.Where(s => s.Provenance!.SourceId == "en:3").ToArray();
        Assert.NotEmpty(acme);
        Assert.All(acme, s => Assert.Equal(["Acme", "Corp", "hired"], s.Tokens.Take(3)));
        var kept = Assert.Single(result.Counts, c => c.TargetLang is null);
        Assert.Equal(new CodeMixCount("en", null, "ORG", 0, 0, 2), kept);
        // Five of the six sentences have entities: two rounds each, every one made and accounted for.
        Assert.Equal(5 * 2, result.Outcome.Made.Count());
        Assert.Equal(5 * 2, result.Outcome.Kept.Count + result.Outcome.Dropped.Count);
    }

    [Fact]
    public void TheTargetLanguageIsNeverTheSourceAndIsUniformAmongTheOthers()
    {
        var sentences = new List<Sentence>();
        foreach (var lang in new[] { "en", "de", "es", "nl" })
        {
            for (var i = 0; i < 5; i++)
                sentences.Add(TinyCorpus.Parse($"{lang}:{i}", lang, $"{lang}{i}a/B-LOC x/O {lang}{i}b/B-PER"));
        }
        var result = CodeMixer.MixRandom(sentences, TagScheme.Iob2, rounds: 60, seed: 4);
        var byPair = new Dictionary<(string, string), int>();
        foreach (var rewrite in result.Rewrites)
        {
            foreach (var substitution in rewrite.Substitutions)
            {
                Assert.NotEqual(rewrite.Sentence.Lang, substitution.Substitute.Lang);
                Assert.StartsWith(substitution.Substitute.Lang!, substitution.Substitute.Tokens[0], StringComparison.Ordinal);
            }
        }
        foreach (var count in result.Counts)
        {
            Assert.NotEqual(count.SourceLang, count.TargetLang);
            byPair[(count.SourceLang, count.TargetLang!)] = byPair.GetValueOrDefault((count.SourceLang, count.TargetLang!)) + count.Substituted;
        }
        // 5 sentences x 60 rounds x 2 mentions = 600 draws per source language, 200 expected per target.
        Assert.Equal(12, byPair.Count);
        Assert.All(byPair.Values, n => Assert.InRange(n, 150, 250));
    }

    [Fact]
    public void RandomChoicesAreUniformOverTheTargetMentions()
    {
        var sentences = new List<Sentence> { TinyCorpus.Parse("en:0", "en", "Zed/B-PER") };
        var names = new[] { "Ana", "Bea", "Cruz", "Dario", "Eva" };
        sentences.AddRange(names.Select((n, i) => TinyCorpus.Parse($"es:{i}", "es", $"{n}/B-PER")));
        var counts = names.ToDictionary(n => n, _ => 0);
        for (ulong seed = 0; seed < 2500; seed++)
        {
            var mixed = CodeMixer.MixRandom(sentences, TagScheme.Iob2, 1, seed);
            counts[mixed.Sentences.Single(s => s.Provenance!.SourceId == "en:0").Tokens[0]]++;
        }
        Assert.All(counts.Values, n => Assert.InRange(n, 420, 580));
    }

    [Fact]
    public void DrawsAreReproducibleWhateverTheSentenceOrder()
    {
        var sentences = TwoLanguages();
        string Show(CodeMixResult r) => string.Join("\n", r.Sentences.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => s.Id + " " + TinyCorpus.Show(s)));
        var forward = CodeMixer.MixRandom(sentences, TagScheme.Iob2, 3, 77);
        var backward = CodeMixer.MixRandom(sentences.Reverse().ToArray(), TagScheme.Iob2, 3, 77);
        Assert.Equal(Show(forward), Show(backward));
        Assert.NotEqual(Show(forward), Show(CodeMixer.MixRandom(sentences, TagScheme.Iob2, 3, 78)));
    }

    [Fact]
    public void SentencesWithoutLanguageOrASingleLanguageAreBadInput()
    {
        var noLanguage = TwoLanguages().Append(TinyCorpus.Parse("x:0", null, "Bob/B-PER") with { Lines = [12] }).ToArray();
        var error = Assert.Throws<InputException>(() => CodeMixer.MixRandom(noLanguage, TagScheme.Iob2, 1, 1));
        Assert.Equal(new InputProblem("x:0", 12, "sentence has no language: code-mixing needs each training set's language"), Assert.Single(error.Problems));

        var english = TwoLanguages().Where(s => s.Lang == "en").ToArray();
        var single = Assert.Throws<InputException>(() => CodeMixer.MixRandom(english, TagScheme.Iob2, 1, 1));
        Assert.Contains("at least two languages, found en", single.Message, StringComparison.Ordinal);
    }

    /// <summary>Substitutions made with <paramref name="choice"/> over every rewrite made, kept or dropped.</summary>
    private static int ChoicesMade(CodeMixResult result, string choice) =>
        result.Outcome.Made.Sum(r => r.Substitutions.Count(s => s.Choice == choice));

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
