using Melm.Models.Data;
using Melm.Models.Randomness;

namespace Melm.Models.Baselines;

/// <summary>
/// The label-wise substitution baseline (paper 3.3): every mention of a sentence is replaced by a
/// uniformly random distinct mention of the same type (and language) from the training set, R
/// times per sentence. Draws come from (seed, "label-wise", sentence id, round).
/// </summary>
public static class LabelwiseSubstitution
{
    public const string Method = "label-wise";

    /// <param name="sentences">The sentences to rewrite.</param>
    /// <param name="inventory">The mentions to draw from (usually of the same training set).</param>
    /// <param name="scheme">The data's tag scheme, used for the rewritten tags.</param>
    /// <param name="rounds">R: rewrites attempted per sentence, rounds 1..R.</param>
    public static AugmentationResult Augment(IReadOnlyList<Sentence> sentences, MentionInventory inventory, TagScheme scheme, int rounds, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        var collector = new RewriteCollector(Method);
        foreach (var sentence in sentences)
        {
            var entities = sentence.Entities();
            if (entities.Count == 0)
            {
                collector.CountSentence(Reasons.NoEntities, rounds);
                continue;
            }
            for (var round = 1; round <= rounds; round++)
                collector.Offer(sentence, Rewrite(sentence, entities, inventory, scheme, round, seed, collector));
        }
        return collector.Result("label-wise substitution: each mention replaced by a random same-type mention of the training set");
    }

    private static AugmentedSentence Rewrite(Sentence sentence, IReadOnlyList<EntitySpan> entities, MentionInventory inventory,
        TagScheme scheme, int round, ulong seed, RewriteCollector collector)
    {
        var rng = SeedDerivation.For(seed, Method, sentence.Id, round);
        var choices = new List<MentionChoice>();
        foreach (var entity in entities)
        {
            var candidates = inventory.Of(sentence.Lang, entity.Type);
            if (candidates.Count == 0)
            {
                collector.CountMention(Reasons.NoCandidateOfType);
                continue;
            }
            collector.CountMention(Reasons.Substituted);
            choices.Add(new MentionChoice(entity, candidates[rng.NextInt(candidates.Count)], Choices.Random));
        }
        return SentenceRewriter.Rewrite(sentence, choices, scheme, Method, round);
    }
}
