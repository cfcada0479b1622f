using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Randomness;

namespace Melm.Models.Pretraining;

/// <summary>
/// Reads pretraining text: plain files (one sentence per line, whitespace-separated words; blank
/// lines are not sentences) and CoNLL files, of which only the tokens are used.
/// </summary>
public static class PretrainingText
{
    public static IReadOnlyList<TextLine> Read(IEnumerable<string> textFiles, IEnumerable<string> conllFiles)
    {
        var lines = new List<TextLine>();
        var problems = new List<InputProblem>();
        foreach (var path in textFiles)
        {
            if (!File.Exists(path))
            {
                problems.Add(new(path, null, "text file not found"));
                continue;
            }
            var number = 0;
            foreach (var text in File.ReadLines(path))
            {
                number++;
                var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length > 0)
                    lines.Add(new TextLine(path, number, words));
            }
        }
        foreach (var path in conllFiles)
        {
            try
            {
                var corpus = ConllReader.Read(path);
                lines.AddRange(corpus.Sentences.Where(s => s.Tokens.Count > 0).Select(s => new TextLine(path, s.FirstLine ?? 0, s.Tokens, s.Tags)));
            }
            catch (InputException e)
            {
                problems.AddRange(e.Problems);
            }
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return lines;
    }

    /// <summary>
    /// The indices of the held-out lines, drawn from the seed: <paramref name="count"/> lines, or
    /// 1% (at least one) when it is null; none when there are fewer than two lines.
    /// </summary>
    public static IReadOnlySet<int> HoldoutIndices(int lineCount, int? count, ulong seed)
    {
        var n = count ?? Math.Max(1, lineCount / 100);
        if (lineCount < 2 || n <= 0)
            return new HashSet<int>();
        if (n >= lineCount)
            throw new InputException("--holdout", null, $"{n} held-out lines leave none of the {lineCount} lines to train on");
        return SeedDerivation.For(seed, "holdout").SampleWithoutReplacement(lineCount, n).ToHashSet();
    }
}
