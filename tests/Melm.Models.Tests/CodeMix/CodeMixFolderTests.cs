using Melm.Models.Augmentation;
using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Augmentation;
using Melm.Models.Tests.Baselines;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.CodeMix;

public sealed class CodeMixFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyList<Sentence> Training() =>
    [
        TinyCorpus.Parse("en:0", "en", "Peter/B-PER flew/O to/O New/B-LOC York/I-LOC"),
        TinyCorpus.Parse("es:0", "es", "Pedro/B-PER vive/O en/O Madrid/B-LOC"),
        TinyCorpus.Parse("es:1", "es", "nada/O"),
    ];

    [Fact]
    public void CodeMixedSentencesComeBackWithTheLanguageOfEachTokenAndMelmMarksItBeforeEachEntityToken()
    {
        var training = Training();
        var mix = CodeMixer.MixRandom(training, TagScheme.Iob2, 2, 7);
        AugmentationOutput.Write(_temp.Path, training, mix.Rewrites, new { mix.Method });

        var (gold, mixed) = CodeMixFolder.Read(_temp.Path);

        Assert.Equal(training.Select(s => (s.Id, s.Lang)), gold.Select(s => (s.Id, s.Lang)));
        Assert.Equal(mix.Rewrites.Count, mixed.Count);
        for (var i = 0; i < mixed.Count; i++)
            Assert.Equal(mix.Rewrites[i].TokenLanguages(), mixed[i].TokenLanguages);
        Assert.Contains(mixed, s => s.TokenLanguages.Distinct().Count() > 1);

        using var folder = MelmFixtures.PretrainedFolder(maxPositions: 80);
        using var model = MelmModel.Prepare(folder.Path, [.. gold, .. mixed], AugmentationMethod.Melm);
        var markerOf = model.Info.Languages.ToDictionary(l => model.Tokenizer.PieceToId($"<{l}>")!.Value, l => (string?)l);
        foreach (var sentence in mixed)
        {
            var encoding = model.Encode(sentence);
            for (var p = 0; p < encoding.Length; p++)
            {
                // The first subword of an entity word follows its label marker, which follows the word's language marker.
                if (encoding.IsEntity[p] && encoding.IsWordStart[p])
                    Assert.Equal(sentence.LanguageOf(encoding.WordIndex[p]), markerOf[encoding.Ids[p - 2]]);
            }
        }
    }

    [Fact]
    public void AFolderWithoutTheCodeMixOutputOrWithADamagedLogIsBadInput()
    {
        var missing = Assert.Throws<InputException>(() => CodeMixFolder.Read(_temp.Path));
        Assert.Contains("not a `melm codemix` output folder", missing.Message, StringComparison.Ordinal);

        var training = Training();
        var mix = CodeMixer.MixRandom(training, TagScheme.Iob2, 1, 7);
        AugmentationOutput.Write(_temp.Path, training, mix.Rewrites, new { mix.Method });
        File.WriteAllText(_temp.Combine(AugmentationOutput.SubstitutionsFile), "");

        var damaged = Assert.Throws<InputException>(() => CodeMixFolder.Read(_temp.Path));
        Assert.Contains($"no line for sentence \"{mix.Rewrites[0].Sentence.Id}\"", damaged.Message, StringComparison.Ordinal);
    }
}
