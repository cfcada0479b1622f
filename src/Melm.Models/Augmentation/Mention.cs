namespace Melm.Models.Augmentation;

/// <summary>An entity mention of a training set: the words of one entity, as a candidate substitute.</summary>
/// <param name="Lang">Language of the sentence it came from, or null when unknown.</param>
/// <param name="Type">Entity type (PER, LOC, ...).</param>
/// <param name="Tokens">Its words, in order.</param>
/// <param name="SourceId">Id of the first training sentence it occurs in (the donor).</param>
public sealed record Mention(string? Lang, string Type, IReadOnlyList<string> Tokens, string SourceId)
{
    public override string ToString() => $"{string.Join(' ', Tokens)} ({Type}{(Lang is null ? "" : ", " + Lang)})";
}
