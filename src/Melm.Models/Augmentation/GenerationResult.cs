namespace Melm.Models.Augmentation;

/// <summary>What generation read and made.</summary>
/// <param name="SentencesRead">Input sentences.</param>
/// <param name="WithEntities">Sentences with at least one entity: the ones rewritten.</param>
/// <param name="WithoutEntities">Sentences without entities: passed through untouched.</param>
/// <param name="RewritesMade">Rewrites generated (sentences with entities x rounds).</param>
/// <param name="MaskedSubwords">Entity subwords masked over all rewrites.</param>
/// <param name="KeptOriginalSubwords">Masked subwords that kept their original piece.</param>
/// <param name="SkippedEntityWords">Entity words left as they were because the tokenizer cannot represent them (an &lt;unk&gt; piece).</param>
public sealed record GenerationCounts(
    int SentencesRead,
    int WithEntities,
    int WithoutEntities,
    int RewritesMade,
    long MaskedSubwords,
    long KeptOriginalSubwords,
    long SkippedEntityWords);

/// <summary>Rewrites kept after removing those identical to their source or to an earlier rewrite, in (source, round) order.</summary>
public sealed record GenerationResult(IReadOnlyList<Rewrite> Kept, IReadOnlyList<DroppedRewrite> Dropped, GenerationCounts Counts);
