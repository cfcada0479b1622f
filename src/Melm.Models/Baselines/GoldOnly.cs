using Melm.Models.Data;

namespace Melm.Models.Baselines;

/// <summary>The gold-only baseline: no rewrites, so that runs and tables treat every method alike.</summary>
public static class GoldOnly
{
    public const string Method = "gold-only";

    public static AugmentationResult Augment(IReadOnlyList<Sentence> sentences)
    {
        var collector = new RewriteCollector(Method);
        collector.CountSentence(Reasons.GoldSentence, sentences.Count);
        return collector.Result("gold only: the training set without augmentation");
    }
}
