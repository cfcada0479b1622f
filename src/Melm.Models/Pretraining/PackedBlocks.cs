namespace Melm.Models.Pretraining;

/// <summary>Token blocks for masked-LM training and what packing had to do to build them.</summary>
/// <param name="Blocks">Each block: &lt;s&gt;, whole words' ids, &lt;/s&gt;.</param>
/// <param name="Words">Per block, where its words lie (whole-word and salient-span masking).</param>
/// <param name="Lines">Lines packed.</param>
/// <param name="SplitLines">Lines longer than a block, split at word boundaries over several blocks.</param>
/// <param name="CutWords">Words longer than a block on their own, cut into block-sized pieces (nothing else can hold them).</param>
/// <param name="Tokens">Ids in all blocks, &lt;s&gt; and &lt;/s&gt; included.</param>
public sealed record PackedBlocks(IReadOnlyList<long[]> Blocks, IReadOnlyList<BlockWords> Words, int Lines, int SplitLines, int CutWords, long Tokens);
