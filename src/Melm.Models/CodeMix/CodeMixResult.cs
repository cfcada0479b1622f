using Melm.Models.Augmentation;
using Melm.Models.Data;

namespace Melm.Models.CodeMix;

/// <summary>R rounds of code-mixing: every rewrite, kept or dropped with its reason, and the counts per (source language, target language, type).</summary>
public sealed record CodeMixResult(string Method, string Description, AugmentationOutcome Outcome, IReadOnlyList<CodeMixCount> Counts)
{
    /// <summary>The kept code-mixed sentences with their substitutions, in (source, round) order.</summary>
    public IReadOnlyList<AugmentedSentence> Rewrites => [.. Outcome.Kept.Select(r => r.Augmented)];

    public IReadOnlyList<Sentence> Sentences => [.. Outcome.Kept.Select(r => r.Sentence)];
}
