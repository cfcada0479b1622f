using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Augmentation;

namespace Melm.Models.CodeMix;

/// <summary>
/// What an augmentation rewrites, read from the path that augment and a run name: a corpus file
/// (CoNLL columns or JSON Lines), whose sentences are also the gold data, or a `melm codemix`
/// output folder, whose training sentences are the gold data and which adds its code-mixed ones,
/// each token with its language. Augment and every work-item processor read it here, so a run
/// rewrites exactly the sentences the command line gave.
/// </summary>
/// <param name="Gold">The gold sentences: what the filter's tagger is trained on.</param>
/// <param name="Training">The sentences to rewrite: the gold ones, then any code-mixed ones.</param>
public sealed record TrainingSet(Corpus Gold, Corpus Training)
{
    public static TrainingSet Read(string path)
    {
        if (!Directory.Exists(path))
        {
            var corpus = CorpusFile.Read(path);
            return new TrainingSet(corpus, corpus);
        }
        var (gold, mixed) = CodeMixFolder.Read(path);
        var source = Path.Combine(path, AugmentationOutput.GoldPlusAugmentedJsonLines);
        if (gold.Count == 0)
            throw new InputException(source, null, "the file holds no training sentences (sentences without provenance)");
        return new TrainingSet(new Corpus(source, gold), new Corpus(source, [.. gold, .. mixed]));
    }

    /// <summary>Whether <paramref name="path"/> names a corpus file or a codemix folder that is there.</summary>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
}
