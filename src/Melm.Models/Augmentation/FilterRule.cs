namespace Melm.Models.Augmentation;

/// <summary>What the consistency filter (paper 2.4) asks of a rewrite's tags as its tagger predicts them.</summary>
public enum FilterRule
{
    /// <summary>The paper's: every token's predicted tag equals the intended one.</summary>
    Sentence,

    /// <summary>
    /// Only the rewritten mentions (those with a token the rewrite changed) must be predicted
    /// exactly, with nothing of their type running on after them: a weak tagger's mistakes
    /// elsewhere in the sentence, which it makes on the gold sentence too, no longer drop the rewrite.
    /// </summary>
    Mentions,

    /// <summary>The rewrite's tags agree with the intended ones on at least as many tokens as the source sentence's do.</summary>
    NoWorse,
}

/// <summary>The rules' names and decisions; pure, so every filter (local, cluster, experiment) decides alike.</summary>
public static class FilterRules
{
    public static string Name(FilterRule rule) => rule switch
    {
        FilterRule.Sentence => "sentence",
        FilterRule.Mentions => "mentions",
        FilterRule.NoWorse => "no-worse",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    public static FilterRule? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sentence" => FilterRule.Sentence,
        "mentions" => FilterRule.Mentions,
        "no-worse" => FilterRule.NoWorse,
        _ => null,
    };

    /// <summary>Whether the rule keeps a rewrite.</summary>
    /// <param name="rewriteTokens">The rewrite's tokens.</param>
    /// <param name="intended">The rewrite's tags (its source's).</param>
    /// <param name="predicted">The filter tagger's tags for the rewrite.</param>
    /// <param name="sourceTokens">The source sentence's tokens.</param>
    /// <param name="sourcePredicted">The tagger's tags for the source sentence; needed by <see cref="FilterRule.NoWorse"/> only.</param>
    /// <param name="sourceTags">The source sentence's gold tags; needed by <see cref="FilterRule.NoWorse"/> only.</param>
    public static bool Keeps(FilterRule rule, IReadOnlyList<string> rewriteTokens, IReadOnlyList<string> intended, IReadOnlyList<string> predicted,
        IReadOnlyList<string> sourceTokens, IReadOnlyList<string>? sourcePredicted = null, IReadOnlyList<string>? sourceTags = null)
    {
        ArgumentNullException.ThrowIfNull(intended);
        ArgumentNullException.ThrowIfNull(predicted);
        if (predicted.Count != intended.Count)
            throw new ArgumentException($"{predicted.Count} predicted tags for {intended.Count} tokens", nameof(predicted));
        switch (rule)
        {
            case FilterRule.Sentence:
                return predicted.SequenceEqual(intended, StringComparer.Ordinal);
            case FilterRule.Mentions:
                return Data.EntitySpans.Read(intended).Where(span => Changed(span, rewriteTokens, sourceTokens))
                    .All(span => MentionHolds(span, intended, predicted));
            case FilterRule.NoWorse:
                if (sourcePredicted is null || sourceTags is null)
                    throw new ArgumentException("the no-worse rule compares with the source sentence's predicted and gold tags");
                return Agreement(predicted, intended) >= Agreement(sourcePredicted, sourceTags);
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }

    /// <summary>Share of tokens whose predicted tag is the intended one.</summary>
    private static double Agreement(IReadOnlyList<string> predicted, IReadOnlyList<string> intended) =>
        intended.Count == 0 ? 1 : (double)intended.Where((tag, i) => string.Equals(tag, predicted[i], StringComparison.Ordinal)).Count() / intended.Count;

    /// <summary>A mention counts as rewritten when a token of it differs from the source's (any token when the lengths differ).</summary>
    private static bool Changed(Data.EntitySpan span, IReadOnlyList<string> rewrite, IReadOnlyList<string> source) =>
        rewrite.Count != source.Count
        || Enumerable.Range(span.Start, span.Length).Any(i => !string.Equals(rewrite[i], source[i], StringComparison.Ordinal));

    /// <summary>Every tag of the span predicted as intended, and the token after it not continuing it.</summary>
    private static bool MentionHolds(Data.EntitySpan span, IReadOnlyList<string> intended, IReadOnlyList<string> predicted)
    {
        for (var i = span.Start; i < span.End; i++)
        {
            if (!string.Equals(intended[i], predicted[i], StringComparison.Ordinal))
                return false;
        }
        if (span.End >= predicted.Count)
            return true;
        var next = Data.Tag.Parse(predicted[span.End]);
        return !(next.Type == span.Type && next.Prefix is 'I' or 'E');
    }
}
