using Melm.Models.Data;

namespace Melm.Models.Baselines;

/// <summary>
/// What a method made of a training set: the rewrites in (source order, round) order and, so that
/// nothing goes missing silently, counts by reason for sentences and mentions.
/// </summary>
/// <param name="Method">The method's name, also each rewrite's <see cref="Provenance.Method"/>.</param>
/// <param name="Description">One line for summaries, e.g. which vectors chose the substitutes.</param>
/// <param name="Rewrites">The rewritten sentences.</param>
/// <param name="SentenceCounts">Per reason (<see cref="Reasons"/>), how many (sentence, round) items ended that way.</param>
/// <param name="MentionCounts">Per reason, how many mentions (over all items, rewrites kept or not) ended that way.</param>
public sealed record AugmentationResult(
    string Method,
    string Description,
    IReadOnlyList<AugmentedSentence> Rewrites,
    IReadOnlyDictionary<string, int> SentenceCounts,
    IReadOnlyDictionary<string, int> MentionCounts)
{
    public IReadOnlyList<Sentence> Sentences => Rewrites.Select(r => r.Sentence).ToArray();
}

/// <summary>The reasons counted in <see cref="AugmentationResult"/>.</summary>
public static class Reasons
{
    public const string Rewritten = "rewritten";
    public const string NoEntities = "no entities (passed through)";
    public const string IdenticalToSource = "identical to source";
    public const string DuplicateOfEarlierRound = "identical to an earlier round";

    public const string Substituted = "substituted";
    public const string NoOtherLanguageWithType = "no other language has that type (kept)";
}
