using Melm.Models.CodeMix;

namespace Melm.Host.Commands;

/// <summary>summary.json of `melm codemix`: the run's settings, counts by reason, and substitutions per (source language, target language, type).</summary>
internal sealed record CodeMixSummary(
    string Method,
    string Description,
    ulong Seed,
    int Rounds,
    string TagScheme,
    IReadOnlyDictionary<string, string> Train,
    int Rewrites,
    IReadOnlyDictionary<string, int> SentenceCounts,
    IReadOnlyDictionary<string, int> MentionCounts,
    IReadOnlyList<CodeMixCount> Pairs);
