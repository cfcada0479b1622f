using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Baselines;

/// <summary>The gold-only baseline: no rewrites, so that runs, outputs and tables treat every method alike.</summary>
public sealed class GoldOnly : IRewriter
{
    public const string MethodName = AugmentationMethods.GoldOnlyName;

    public string Method => MethodName;

    public string Description => "gold only: no rewrites; train+aug is the training set as it is";

    /// <summary>Refuses nothing: whoever reads the sentences checks their ids (AugmentationRun, RunCorpus).</summary>
    public void Check(IReadOnlyList<Sentence> sentences, string source)
    {
    }

    public IReadOnlyList<Rewrite> Rewrite(IReadOnlyList<Sentence> sentences, int round, IProgress<ProgressUpdate>? progress = null) => [];
}
