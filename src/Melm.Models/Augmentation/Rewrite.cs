using System.Text.Json.Serialization;
using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>One augmented sentence with what it took to make it.</summary>
/// <param name="Sentence">The rewrite, with <see cref="Data.Provenance"/> naming its source sentence and round.</param>
/// <param name="MaskedSubwords">Entity subwords masked (masked-LM methods; 0 otherwise).</param>
/// <param name="KeptOriginal">Masked subwords that kept their original piece: no valid candidate, or the word they formed was unusable.</param>
/// <param name="SkippedEntityWords">Entity words not rewritten because the tokenizer cannot represent them (an &lt;unk&gt; piece).</param>
public sealed record Rewrite(Sentence Sentence, int MaskedSubwords, int KeptOriginal, int SkippedEntityWords)
{
    /// <summary>Whole mentions replaced by others (label-wise substitution); empty for masked-LM methods.</summary>
    public IReadOnlyList<Substitution> Substitutions { get; init; } = [];

    // The derived properties stay out of JSON: a run's journal stores each rewrite once.
    [JsonIgnore]
    public int Round => Sentence.Provenance!.Round;

    [JsonIgnore]
    public string SourceId => Sentence.Provenance!.SourceId;

    /// <summary>The rewrite with its substitutions, as the output files and the substitution log take it.</summary>
    [JsonIgnore]
    public AugmentedSentence Augmented => new(Sentence, Substitutions);
}

/// <summary>Why a rewrite is not in the output.</summary>
public enum DropReason
{
    /// <summary>Its words and tags equal the source's.</summary>
    IdenticalToSource,

    /// <summary>Its words and tags equal a kept rewrite of the same source from an earlier round.</summary>
    Duplicate,

    /// <summary>No masked subword had a valid candidate, so nothing changed.</summary>
    NoValidCandidate,

    /// <summary>The consistency filter's tagger disagreed with the intended tags.</summary>
    Filter,
}

/// <summary>A rewrite left out, and why.</summary>
public sealed record DroppedRewrite(Rewrite Rewrite, DropReason Reason);
