namespace Melm.Models.Pretraining;

/// <summary>Where the words of one packed block lie, for masking whole words and spans.</summary>
/// <param name="Starts">Position in the block of each word's first id (&lt;s&gt; is position 0).</param>
/// <param name="Lengths">Ids per word (a word cut over two blocks counts as one word in each).</param>
/// <param name="Salient">Per word, <see cref="EncodedWord.Salient"/>.</param>
public sealed record BlockWords(int[] Starts, int[] Lengths, bool[] Salient)
{
    public int Count => Starts.Length;
}
