using System.Text.Json;
using Melm.Models.Baselines;
using Melm.Models.Data;

namespace Melm.Models.Tests.Baselines;

public sealed class AugmentationWriterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WritesRewritesThatReadBackWithProvenanceAndTheirSubstitutions()
    {
        var sentences = TinyCorpus.English().Select(s => TagSchemes.Convert(s, TagScheme.Bioes)).ToArray();
        var result = LabelwiseSubstitution.Augment(sentences, MentionInventory.From(sentences), TagScheme.Bioes, 2, 21);

        AugmentationWriter.Write(result, _temp.Path, json => json.WriteString("extra", "yes"));

        var jsonl = JsonLines.Read(Path.Combine(_temp.Path, AugmentationWriter.JsonLinesFile));
        var conll = ConllReader.Read(Path.Combine(_temp.Path, AugmentationWriter.ConllFile));
        Assert.Equal(result.Sentences.Select(s => s.Id), jsonl.Sentences.Select(s => s.Id));
        Assert.Equal(result.Sentences.Select(s => s.Provenance), jsonl.Sentences.Select(s => s.Provenance));
        Assert.Equal(result.Sentences.Select(TinyCorpus.Show), conll.Sentences.Select(TinyCorpus.Show));
        Assert.Equal(TagScheme.Bioes, TagSchemes.EnsureValid(conll, TagScheme.Bioes));

        var substitutions = File.ReadAllLines(Path.Combine(_temp.Path, AugmentationWriter.SubstitutionsFile)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(result.Rewrites.Count, substitutions.Length);
        var first = substitutions[0].GetProperty("substitutions")[0];
        var expected = result.Rewrites[0].Substitutions[0];
        Assert.Equal(expected.Replaced.Start, first.GetProperty("start").GetInt32());
        Assert.Equal(expected.Substitute.Tokens, first.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("random", first.GetProperty("choice").GetString());

        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_temp.Path, AugmentationWriter.SummaryFile)));
        Assert.Equal("label-wise", summary.RootElement.GetProperty("method").GetString());
        Assert.Equal(result.Rewrites.Count, summary.RootElement.GetProperty("sentence_counts").GetProperty(Reasons.Rewritten).GetInt32());
        Assert.Equal("yes", summary.RootElement.GetProperty("extra").GetString());
    }
}
