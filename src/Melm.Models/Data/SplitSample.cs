namespace Melm.Models.Data;

/// <summary>What one sampled split was drawn from and which sentences it holds.</summary>
/// <param name="Source">The file sampled: its full path when drawn, relative to the manifest's folder in a written manifest.</param>
/// <param name="Sha256">sha256 of that file's bytes as read.</param>
/// <param name="SourceSentences">How many sentences the file had.</param>
/// <param name="Output">File name of the sample, beside the manifest.</param>
/// <param name="Indices">0-based indices of the chosen sentences in the file, ascending.</param>
public sealed record SplitSample(string Source, string Sha256, int SourceSentences, string Output, IReadOnlyList<int> Indices);
