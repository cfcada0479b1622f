namespace Melm.Models.Text;

/// <summary>
/// A sentence of pre-split words as model input: <c>&lt;s&gt;</c>, every word's ids in order,
/// <c>&lt;/s&gt;</c>, with the maps between input positions and words.
/// </summary>
public sealed class SentenceEncoding
{
    internal SentenceEncoding(IReadOnlyList<WordEncoding> words, int bos, int eos)
    {
        Words = words;
        var ids = new List<int> { bos };
        var wordOfPosition = new List<int> { -1 };
        var firstPosition = new int[words.Count];
        for (var w = 0; w < words.Count; w++)
        {
            firstPosition[w] = ids.Count;
            foreach (var id in words[w].Ids)
            {
                ids.Add(id);
                wordOfPosition.Add(w);
            }
        }
        ids.Add(eos);
        wordOfPosition.Add(-1);
        InputIds = ids;
        WordIndexOfPosition = wordOfPosition;
        FirstPositionOfWord = firstPosition;
    }

    public IReadOnlyList<WordEncoding> Words { get; }

    /// <summary>The model input: <c>&lt;s&gt;</c>, the words' ids, <c>&lt;/s&gt;</c>.</summary>
    public IReadOnlyList<int> InputIds { get; }

    /// <summary>For each position of <see cref="InputIds"/>, the index of its word, or -1 at <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>.</summary>
    public IReadOnlyList<int> WordIndexOfPosition { get; }

    /// <summary>For each word, the position in <see cref="InputIds"/> of its first piece.</summary>
    public IReadOnlyList<int> FirstPositionOfWord { get; }
}
