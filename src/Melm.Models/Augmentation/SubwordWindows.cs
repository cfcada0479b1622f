using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Sequences;

namespace Melm.Models.Augmentation;

/// <summary>
/// A linearized sentence's windows in subword positions: a sentence longer than the model's window
/// is split at token boundaries (markers and words are never cut) and each position is predicted
/// in the one window whose core holds it.
/// </summary>
public static class SubwordWindows
{
    /// <param name="encoding">The sentence's subwords.</param>
    /// <param name="maxSubwords">The model's window without begin and end tokens.</param>
    /// <returns>Windows as subword ranges [Start, End) with cores [CoreStart, CoreEnd).</returns>
    public static IReadOnlyList<WordWindow> Plan(MelmEncoding encoding, int maxSubwords)
    {
        if (encoding.Length <= maxSubwords)
            return [new WordWindow(0, encoding.Length, 0, encoding.Length)];
        var offsets = new int[encoding.SubwordsPerToken.Count + 1];
        for (var t = 0; t < encoding.SubwordsPerToken.Count; t++)
            offsets[t + 1] = offsets[t] + encoding.SubwordsPerToken[t];
        return WordWindows.Plan(encoding.SubwordsPerToken, maxSubwords)
            .Select(w => new WordWindow(offsets[w.Start], offsets[w.End], offsets[w.CoreStart], offsets[w.CoreEnd]))
            .ToArray();
    }

    /// <summary><see cref="Plan"/>, with a word too long for any window reported as bad input about the sentence.</summary>
    public static IReadOnlyList<WordWindow> PlanFor(Sentence sentence, MelmEncoding encoding, int maxSubwords, string source)
    {
        try
        {
            return Plan(encoding, maxSubwords);
        }
        catch (ArgumentException e)
        {
            throw new InputException(source, sentence.FirstLine, $"sentence {sentence.Id} cannot be windowed for a model of {maxSubwords} subwords: {e.Message}");
        }
    }
}
