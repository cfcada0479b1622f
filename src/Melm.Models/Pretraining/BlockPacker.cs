namespace Melm.Models.Pretraining;

/// <summary>
/// Packs consecutive lines' subword ids into blocks of at most a given length (&lt;s&gt; and
/// &lt;/s&gt; included), as RoBERTa's full-sentence packing does, so short lines do not waste
/// padding. A word never straddles two blocks unless it alone is longer than a block; a line
/// longer than a block is split at word boundaries, never dropped.
/// </summary>
public static class BlockPacker
{
    /// <param name="lines">Per line, per word, the word's ids.</param>
    /// <param name="blockSize">Longest block, &lt;s&gt; and &lt;/s&gt; included (at least 3).</param>
    public static PackedBlocks Pack(IEnumerable<IReadOnlyList<IReadOnlyList<int>>> lines, int blockSize, int bos, int eos)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 3);
        var capacity = blockSize - 2;
        var blocks = new List<long[]>();
        var current = new List<long>();
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
            tokens += block.Length;
            current.Clear();
        }

        foreach (var line in lines)
        {
            lineCount++;
            var length = line.Sum(w => w.Count);
            if (length == 0)
                continue;
            if (current.Count + length <= capacity)
            {
                foreach (var word in line)
                    current.AddRange(word.Select(id => (long)id));
                continue;
            }
            Flush();
            if (length > capacity)
                split++;
            foreach (var word in line)
            {
                if (current.Count + word.Count > capacity)
                    Flush();
                if (word.Count > capacity)
                {
                    cut++;
                    for (var start = 0; start < word.Count; start += capacity)
                    {
                        current.AddRange(word.Skip(start).Take(capacity).Select(id => (long)id));
                        if (current.Count == capacity)
                            Flush();
                    }
                    continue;
                }
                current.AddRange(word.Select(id => (long)id));
            }
        }
        Flush();
        return new PackedBlocks(blocks, lineCount, split, cut, tokens);
    }
}
