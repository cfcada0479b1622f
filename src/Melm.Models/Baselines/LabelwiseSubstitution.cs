using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Baselines;

/// <summary>
/// The label-wise substitution baseline (paper 3.3): every mention of a sentence is replaced by a
/// uniformly random distinct mention of the same type (and language) from <paramref name="inventory"/>,
/// usually the training set's; a type without candidates keeps its mention. Draws come from
/// (seed, "label-wise", sentence id, round).
/// </summary>
/// <param name="scheme">The data's tag scheme, used for the rewritten tags.</param>
public sealed class LabelwiseSubstitution(MentionInventory inventory, TagScheme scheme, ulong seed) : IRewriter
{
    public const string MethodName = AugmentationMethods.LabelwiseName;

    public string Method => MethodName;

    public string Description => "label-wise substitution: each mention replaced by a random same-type mention of the training set";

    /// <summary>
    /// The baseline for <paramref name="training"/> (its tag scheme), drawing from the mentions of
    /// <paramref name="mentions"/>: the training set's own unless another set is given.
    /// </summary>
    public static LabelwiseSubstitution For(IReadOnlyList<Sentence> training, ulong seed, IEnumerable<Sentence>? mentions = null) =>
        new(MentionInventory.From(mentions ?? training), TagSchemes.Detect(training.Select(s => s.Tags)), seed);

    /// <summary>Any tag set rewrites; ids must be unique, since draws are keyed by them, and whoever reads the sentences checks that (AugmentationRun, RunCorpus).</summary>
    public void Check(IReadOnlyList<Sentence> sentences, string source)
    {
    }

    public IReadOnlyList<Rewrite> Rewrite(IReadOnlyList<Sentence> sentences, int round, IProgress<ProgressUpdate>? progress = null) =>
        SentenceRewriter.RewriteEach(sentences, round, seed, MethodName, scheme, (sentence, entity, rng) =>
        {
            var candidates = inventory.Of(sentence.Lang, entity.Type);
            return candidates.Count > 0 ? new MentionChoice(entity, candidates[rng.NextInt(candidates.Count)], Choices.Random) : null;
        }, progress);
}
