namespace Melm.Models.Pretraining;

/// <summary>
/// Packs consecutive lines' subword ids into blocks of at most a given length (&lt;s&gt; and
/// &lt;/s&gt; included), as RoBERTa's full-sentence packing does, so short lines do not waste
/// padding. A word never straddles two blocks unless it alone is longer than a block; a line
/// longer than a block is split at word boundaries, never dropped.
/// </summary>
public static class BlockPacker
{
    /// <param name="lines">Per line, its words.</param>
    /// <param name="blockSize">Longest block, &lt;s&gt; and &lt;/s&gt; included (at least 3).</param>
    public static PackedBlocks Pack(IEnumerable<IReadOnlyList<EncodedWord>> lines, int blockSize, int bos, int eos)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 3);
        var capacity = blockSize - 2;
        var blocks = new List<long[]>();
        var blockWords = new List<BlockWords>();
        var current = new List<long>();
        var starts = new List<int>();
        var lengths = new List<int>();
        var salient = new List<bool>();
        var (lineCount, split, cut) = (0, 0, 0);
        long tokens = 0;

        void Flush()
        {
            if (current.Count == 0)
                return;
            var block = new long[current.Count + 2];
            block[0] = bos;
            current.CopyTo(block, 1);
            block[^1] = eos;
            blocks.Add(block);
            blockWords.Add(new BlockWords([.. starts], [.. lengths], [.. salient]));
            tokens += block.Length;
            current.Clear();
            starts.Clear();
            lengths.Clear();
            salient.Clear();
        }

        void Add(IEnumerable<int> ids, bool isSalient)
        {
            // Position 0 of the block is <s>.
            starts.Add(current.Count + 1);
            var before = current.Count;
            current.AddRange(ids.Select(id => (long)id));
            lengths.Add(current.Count - before);
            salient.Add(isSalient);
        }

        foreach (var line in lines)
        {
            lineCount++;
            var length = line.Sum(w => w.Ids.Count);
            if (length == 0)
                continue;
            if (current.Count + length <= capacity)
            {
                foreach (var word in line)
                    Add(word.Ids, word.Salient);
                continue;
            }
            Flush();
            if (length > capacity)
                split++;
            foreach (var word in line)
            {
                if (current.Count + word.Ids.Count > capacity)
                    Flush();
                if (word.Ids.Count > capacity)
                {
                    cut++;
                    for (var start = 0; start < word.Ids.Count; start += capacity)
                    {
                        Add(word.Ids.Skip(start).Take(capacity), word.Salient);
                        if (current.Count == capacity)
                            Flush();
                    }
                    continue;
                }
                Add(word.Ids, word.Salient);
            }
        }
        Flush();
        return new PackedBlocks(blocks, blockWords, lineCount, split, cut, tokens);
    }
}
