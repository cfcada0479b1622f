using System.Text.Json;
using Melm.Models.Augmentation;
using Melm.Models.Baselines;
using Melm.Models.Data;
using Melm.Models.Tests.Baselines;

namespace Melm.Models.Tests.Augmentation;

public sealed class AugmentationOutputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WritesRewritesThatReadBackWithProvenanceAndTheirSubstitutions()
    {
        var sentences = TinyCorpus.English().Select(s => TagSchemes.Convert(s, TagScheme.Bioes)).ToArray();
        var rewriter = new LabelwiseSubstitution(MentionInventory.From(sentences), TagScheme.Bioes, 21);
        var outcome = AugmentationRun.Run(rewriter, sentences, rounds: 2, filter: null);
        var summary = AugmentationSummary.Build(rewriter.Method, rewriter.Description, sentences, outcome, "none");
        var rewrites = outcome.Kept.Select(r => r.Sentence).ToArray();

        AugmentationOutput.Write(_temp.Path, sentences, [.. outcome.Kept.Select(r => r.Augmented)], summary);

        var jsonl = JsonLines.Read(Path.Combine(_temp.Path, AugmentationOutput.AugmentedJsonLines));
        var conll = ConllReader.Read(Path.Combine(_temp.Path, AugmentationOutput.AugmentedConll));
        Assert.Equal(rewrites.Select(s => s.Id), jsonl.Sentences.Select(s => s.Id));
        Assert.Equal(rewrites.Select(s => s.Provenance), jsonl.Sentences.Select(s => s.Provenance));
        Assert.Equal(rewrites.Select(TinyCorpus.Show), conll.Sentences.Select(TinyCorpus.Show));
        Assert.Equal(TagScheme.Bioes, TagSchemes.EnsureValid(conll, TagScheme.Bioes));
        var both = JsonLines.Read(Path.Combine(_temp.Path, AugmentationOutput.GoldPlusAugmentedJsonLines)).Sentences;
        Assert.Equal(sentences.Concat(rewrites).Select(s => (s.Id, s.Lang)), both.Select(s => (s.Id, s.Lang)));
        Assert.Equal(both.Select(TinyCorpus.Show), ConllReader.Read(Path.Combine(_temp.Path, AugmentationOutput.GoldPlusAugmented)).Sentences.Select(TinyCorpus.Show));

        var substitutions = File.ReadAllLines(Path.Combine(_temp.Path, AugmentationOutput.SubstitutionsFile)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(rewrites.Length, substitutions.Length);
        var first = substitutions[0].GetProperty("substitutions")[0];
        var expected = outcome.Kept[0].Substitutions[0];
        Assert.Equal(expected.Replaced.Start, first.GetProperty("start").GetInt32());
        Assert.Equal(expected.Substitute.Tokens, first.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("random", first.GetProperty("choice").GetString());

        var read = AugmentationOutput.ReadSummary(_temp.Path)!;
        Assert.Equal("label-wise", read.Method);
        Assert.Equal(rewrites.Length, read.Kept);
        Assert.Equal(summary.EntityTypes, read.EntityTypes);
        Assert.Equal(summary.Dropped, read.Dropped);
    }

    [Fact]
    public void GoldOnlyWritesAnEmptyAugmentationAndTheTrainingSetAsTrainPlusAug()
    {
        var sentences = TinyCorpus.English();
        var outcome = AugmentationRun.Run(new GoldOnly(), sentences, rounds: 3, filter: null);
        var summary = AugmentationSummary.Build(GoldOnly.MethodName, new GoldOnly().Description, sentences, outcome, "none");

        AugmentationOutput.Write(_temp.Path, sentences, [], summary);

        Assert.True(string.IsNullOrWhiteSpace(File.ReadAllText(Path.Combine(_temp.Path, AugmentationOutput.AugmentedConll))));
        Assert.Empty(File.ReadAllBytes(Path.Combine(_temp.Path, AugmentationOutput.AugmentedJsonLines)));
        Assert.False(File.Exists(Path.Combine(_temp.Path, AugmentationOutput.SubstitutionsFile)));
        Assert.Equal(sentences.Select(TinyCorpus.Show), ConllReader.Read(Path.Combine(_temp.Path, AugmentationOutput.GoldPlusAugmented)).Sentences.Select(TinyCorpus.Show));
        var read = AugmentationOutput.ReadSummary(_temp.Path)!;
        Assert.Equal(0, read.Kept);
        Assert.Contains("no rewrites", read.Description, StringComparison.Ordinal);
        Assert.Null(read.NewMentionShare);
    }
}
