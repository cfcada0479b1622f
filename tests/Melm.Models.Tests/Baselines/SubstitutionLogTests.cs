using Melm.Models.Augmentation;
using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Baselines;

public sealed class SubstitutionLogTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CodeMixResult Mixed() =>
        CodeMixer.MixRandom(
        [
            TinyCorpus.Parse("en:0", "en", "Peter/B-PER flew/O to/O New/B-LOC York/I-LOC"),
            TinyCorpus.Parse("es:0", "es", "Pedro/B-PER vive/O en/O Madrid/B-LOC"),
            TinyCorpus.Parse("de:0", "de", "Anna/B-PER wohnt/O in/O Bad/B-LOC Ems/I-LOC"),
        ], TagScheme.Iob2, 2, 3);

    [Fact]
    public void ReadingTheLogBackRestoresEachMentionsLanguage()
    {
        var result = Mixed();
        AugmentationOutput.Write(_temp.Path, [], result.Rewrites, new { result.Method });

        var sentences = JsonLines.Read(Path.Combine(_temp.Path, AugmentationOutput.AugmentedJsonLines)).Sentences;
        var restored = SubstitutionLog.Read(Path.Combine(_temp.Path, AugmentationOutput.SubstitutionsFile), sentences);

        Assert.Equal(result.Rewrites.Count, restored.Count);
        for (var i = 0; i < restored.Count; i++)
        {
            Assert.Equal(result.Rewrites[i].TokenLanguages(), restored[i].TokenLanguages());
            Assert.Equal(result.Rewrites[i].Substitutions, restored[i].Substitutions, (a, b) =>
                a.Replaced == b.Replaced && a.Original == b.Original && a.Substitute.Lang == b.Substitute.Lang
                && a.Substitute.Tokens.SequenceEqual(b.Substitute.Tokens) && a.Choice == b.Choice);
        }
        Assert.Contains(restored, r => r.TokenLanguages().Distinct().Count() > 1);
    }

    [Fact]
    public void ALogThatDoesNotMatchTheSentencesIsBadInputWithLines()
    {
        var sentences = Mixed().Sentences;
        var path = Path.Combine(_temp.Path, "substitutions.jsonl");
        var first = sentences[0];
        File.WriteAllLines(path,
        [
            $"{{\"id\":\"{first.Id}\",\"lang\":\"en\",\"substitutions\":[{{\"type\":\"PER\",\"start\":0,\"end\":1,\"lang\":\"es\",\"tokens\":[\"Nobody\"],\"original_start\":0,\"original_end\":1,\"original_tokens\":[\"Peter\"],\"donor_id\":\"es:0\",\"choice\":\"random\"}}]}}",
            "{\"id\":\"ghost\",\"substitutions\":[]}",
            "not json",
        ]);

        var error = Assert.Throws<InputException>(() => SubstitutionLog.Read(path, sentences));
        Assert.Contains(error.Problems, p => p.Line == 1 && p.Message.Contains("is not an entity of sentence", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Line == 2 && p.Message.Contains("\"ghost\" is not among the sentences", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Line == 3 && p.Message.StartsWith("not a substitution log line", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Line is null && p.Message.Contains($"no line for sentence \"{sentences[1].Id}\"", StringComparison.Ordinal));
    }
}
