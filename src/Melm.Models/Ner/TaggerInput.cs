using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Sequences;
using Melm.Models.Text;

namespace Melm.Models.Ner;

/// <summary>
/// A sentence as tagger input: first-subword labelling, in one window when its subwords fit the model
/// and in overlapping windows otherwise (<see cref="WordWindows"/>), so no token is ever cut off.
/// </summary>
/// <param name="WordCount">Tokens in the sentence.</param>
/// <param name="Windows">Windows whose cores cover the tokens in order, each exactly once.</param>
public sealed record TaggerInput(int WordCount, IReadOnlyList<TaggerWindow> Windows)
{
    /// <summary>Subwords of all windows, for sorting batches by cost.</summary>
    public int SubwordCount => Windows.Sum(w => w.InputIds.Count);

    /// <summary>
    /// Encodes pre-split words. A word the tokenizer cannot split into pieces (only characters that
    /// normalisation removes) is read as &lt;unk&gt;, so it still gets a label and no token is lost.
    /// Throws ArgumentException for a word longer than half the window (see <see cref="WordWindows.Plan"/>).
    /// </summary>
    /// <param name="maxSequenceLength">The model's longest input, &lt;s&gt; and &lt;/s&gt; included.</param>
    public static TaggerInput Encode(XlmrTokenizer tokenizer, IReadOnlyList<string> words, int maxSequenceLength)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
            return new TaggerInput(0, []);
        var pieces = words.Select(w => tokenizer.CanEncode(w) ? tokenizer.EncodeWord(w).Ids : [XlmrTokenizer.Unk]).ToArray();
        var windows = WordWindows.Plan(pieces.Select(p => p.Count).ToArray(), maxSequenceLength - 2);
        return new TaggerInput(words.Count, windows.Select(w => Window(pieces, w)).ToArray());
    }

    /// <summary>Every token of <paramref name="corpus"/> too long for the model's window, with its file and line.</summary>
    public static IReadOnlyList<InputProblem> CheckFits(Corpus corpus, XlmrTokenizer tokenizer, int maxSequenceLength)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var limit = (maxSequenceLength - 2) / 2;
        var problems = new List<InputProblem>();
        foreach (var sentence in corpus.Sentences)
        {
            for (var i = 0; i < sentence.Tokens.Count; i++)
            {
                var word = sentence.Tokens[i];
                if (tokenizer.CanEncode(word) && tokenizer.EncodeWord(word).Ids.Count is var n && n > limit)
                {
                    problems.Add(new InputProblem(corpus.Source, sentence.LineOf(i),
                        $"token \"{word}\" has {n} subwords; the model window of {maxSequenceLength} takes at most {limit} for one token"));
                }
            }
        }
        return problems;
    }

    private static TaggerWindow Window(IReadOnlyList<int>[] pieces, WordWindow window)
    {
        var ids = new List<int> { XlmrTokenizer.Bos };
        var positions = new List<int>();
        for (var i = window.Start; i < window.End; i++)
        {
            if (i >= window.CoreStart && i < window.CoreEnd)
                positions.Add(ids.Count);
            ids.AddRange(pieces[i]);
        }
        ids.Add(XlmrTokenizer.Eos);
        return new TaggerWindow(ids, window.CoreStart, positions);
    }
}
