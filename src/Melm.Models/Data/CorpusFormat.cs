namespace Melm.Models.Data;

/// <summary>The file format a corpus was read from.</summary>
public enum CorpusFormat
{
    /// <summary>Built in memory, not read from a file.</summary>
    None,
    Conll,
    JsonLines,
}
