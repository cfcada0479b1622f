using Melm.Models.Augmentation;
using Melm.Models.CodeMix;

namespace Melm.Models.Runs;

/// <summary>
/// summary.json of `melm codemix`: the run's settings, the summary every augmentation method writes
/// (sentences, rewrites made, dropped by reason, kept, entity strings), and the substitutions per
/// (source language, target language, type).
/// </summary>
internal sealed record CodeMixSummary(
    ulong Seed,
    int Rounds,
    string TagScheme,
    IReadOnlyDictionary<string, string> Train,
    AugmentationSummary Augmentation,
    IReadOnlyList<CodeMixCount> Pairs);
