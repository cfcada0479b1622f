using Melm.Models.Baselines;

namespace Melm.Models.CodeMix;

/// <summary>The code-mixed sentences with their substitutions, and the counts per (source language, target language, type).</summary>
public sealed record CodeMixResult(AugmentationResult Result, IReadOnlyList<CodeMixCount> Counts);
