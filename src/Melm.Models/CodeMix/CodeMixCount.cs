namespace Melm.Models.CodeMix;

/// <summary>
/// What code-mixing did to the type-<paramref name="Type"/> mentions of one source language, per
/// target language, over every (sentence, round) item (rewrites later dropped as duplicates included).
/// </summary>
/// <param name="TargetLang">The language the substitutes came from; null for mentions kept because no other language has the type.</param>
/// <param name="Substituted">Mentions replaced by the nearest (or, for Code-Mix-random, a random) target mention.</param>
/// <param name="Fallbacks">Mentions replaced by a random target mention because a vector was missing (nearest-neighbour mode only).</param>
/// <param name="Kept">Mentions left as they were (<paramref name="TargetLang"/> is null).</param>
public sealed record CodeMixCount(string SourceLang, string? TargetLang, string Type, int Substituted, int Fallbacks, int Kept);
