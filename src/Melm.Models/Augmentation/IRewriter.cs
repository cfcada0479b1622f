using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Augmentation;

/// <summary>
/// What makes the rewrites of one augmentation method (MELM, its ablations, label-wise
/// substitution, gold-only). <see cref="AugmentationRound.Run"/> calls it for a list of sentences
/// and a round; the command line passes every sentence, a work-item processor one shard.
/// </summary>
public interface IRewriter
{
    /// <summary>The method's name, as in provenance, rewrite ids and summaries.</summary>
    string Method { get; }

    /// <summary>One line for summaries: what the rewrites are.</summary>
    string Description { get; }

    /// <summary>Refuses sentences the method cannot rewrite (tags or languages it has no marker for) with an <see cref="Diagnostics.InputException"/> naming <paramref name="source"/> and the line.</summary>
    void Check(IReadOnlyList<Sentence> sentences, string source);

    /// <summary>
    /// One rewrite per sentence with an entity, in input order, for <paramref name="round"/> (1-based);
    /// a sentence without entities gets none. Every draw derives from (run seed, sentence id, round),
    /// so a sentence's rewrite is the same whether it comes with all the others or in a shard.
    /// </summary>
    IReadOnlyList<Rewrite> Rewrite(IReadOnlyList<Sentence> sentences, int round, IProgress<ProgressUpdate>? progress = null);
}
