namespace Melm.Models.Data;

/// <summary>Reads and writes a corpus by file extension: .jsonl (or .json) is JSON Lines, anything else CoNLL columns.</summary>
public static class CorpusFile
{
    public static bool IsJsonLines(string path) =>
        Path.GetExtension(path).ToUpperInvariant() is ".JSONL" or ".JSON";

    /// <summary>Reads either format; <paramref name="options"/> apply to CoNLL files only (JSON Lines carry their own ids and languages).</summary>
    public static Corpus Read(string path, ConllReadOptions? options = null) =>
        IsJsonLines(path) ? JsonLines.Read(path) : ConllReader.Read(path, options);

    /// <summary>Writes sentences in the format the extension names; CoNLL gets a fresh layout (see <see cref="ConllWriter.WriteSentences"/>).</summary>
    public static void WriteSentences(IEnumerable<Sentence> sentences, string path)
    {
        if (IsJsonLines(path))
            JsonLines.Write(sentences, path);
        else
            ConllWriter.WriteSentences(sentences, path);
    }
}
