namespace Melm.Models.Sequences;

/// <summary>
/// Splits a sentence whose subwords exceed the model window into overlapping windows at token
/// boundaries, never cutting a token and never dropping one (MELM.md: the authors' code silently
/// dropped words past 128 subwords).
/// </summary>
public static class WordWindows
{
    /// <param name="subwordsPerToken">How many subwords each token takes.</param>
    /// <param name="maxSubwords">The model's window, without the sentence's begin and end tokens.</param>
    public static IReadOnlyList<WordWindow> Plan(IReadOnlyList<int> subwordsPerToken, int maxSubwords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSubwords, 2);
        var n = subwordsPerToken.Count;
        for (var i = 0; i < n; i++)
        {
            if (subwordsPerToken[i] > maxSubwords / 2)
                throw new ArgumentException($"Token {i} has {subwordsPerToken[i]} subwords, more than half the window of {maxSubwords}.", nameof(subwordsPerToken));
        }
        if (subwordsPerToken.Sum() <= maxSubwords)
            return [new WordWindow(0, n, 0, n)];

        // Cores of at most half a window; each window then adds context around its core up to the limit.
        var windows = new List<WordWindow>();
        var coreStart = 0;
        while (coreStart < n)
        {
            var coreEnd = coreStart;
            var used = 0;
            while (coreEnd < n && used + subwordsPerToken[coreEnd] <= maxSubwords / 2)
                used += subwordsPerToken[coreEnd++];
            int start = coreStart, end = coreEnd;
            var grew = true;
            while (grew)
            {
                grew = false;
                if (end < n && used + subwordsPerToken[end] <= maxSubwords)
                {
                    used += subwordsPerToken[end++];
                    grew = true;
                }
                if (start > 0 && used + subwordsPerToken[start - 1] <= maxSubwords)
                {
                    used += subwordsPerToken[--start];
                    grew = true;
                }
            }
            windows.Add(new WordWindow(start, end, coreStart, coreEnd));
            coreStart = coreEnd;
        }
        return windows;
    }
}
