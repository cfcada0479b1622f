namespace Melm.Models.Data;

/// <summary>The sentences of one file, in file order.</summary>
/// <param name="Source">The path it was read from (or a name for an in-memory corpus).</param>
/// <param name="Sentences">Its sentences, in order.</param>
public sealed record Corpus(string Source, IReadOnlyList<Sentence> Sentences)
{
    public CorpusFormat Format { get; init; }

    /// <summary>Lower-case hex sha256 of the bytes that were read; null for an in-memory corpus.</summary>
    public string? Sha256 { get; init; }

    /// <summary>For CoNLL files: BOM, line ending and trailing lines, for lossless writing.</summary>
    public ConllFileLayout? FileLayout { get; init; }

    public int TokenCount => Sentences.Sum(s => s.Tokens.Count);
}
