using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>One augmented sentence with what it took to make it.</summary>
/// <param name="Sentence">The rewrite: new entity words, the source's tags, with <see cref="Data.Provenance"/>.</param>
/// <param name="SourceIndex">Index of the source sentence in the input, for output order.</param>
/// <param name="MaskedSubwords">Entity subwords masked.</param>
/// <param name="KeptOriginal">Masked subwords that kept their original piece: no valid candidate, or the word they formed was unusable.</param>
/// <param name="SkippedEntityWords">Entity words not rewritten because the tokenizer cannot represent them (an &lt;unk&gt; piece).</param>
public sealed record Rewrite(Sentence Sentence, int SourceIndex, int MaskedSubwords, int KeptOriginal, int SkippedEntityWords)
{
    public int Round => Sentence.Provenance!.Round;
}

/// <summary>Why a rewrite is not in the output.</summary>
public enum DropReason
{
    /// <summary>Its words equal the source's.</summary>
    IdenticalToSource,

    /// <summary>Its words equal an earlier rewrite of the same source.</summary>
    Duplicate,

    /// <summary>No masked subword had a valid candidate, so nothing changed.</summary>
    NoValidCandidate,

    /// <summary>The consistency filter's tagger disagreed with the intended tags.</summary>
    Filter,
}

/// <summary>A rewrite left out, and why.</summary>
public sealed record DroppedRewrite(Rewrite Rewrite, DropReason Reason);
