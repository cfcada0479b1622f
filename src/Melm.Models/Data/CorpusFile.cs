using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>Reads and writes a corpus by file extension: .jsonl (or .json) is JSON Lines, anything else CoNLL columns.</summary>
public static class CorpusFile
{
    public static bool IsJsonLines(string path) =>
        Path.GetExtension(path).ToUpperInvariant() is ".JSONL" or ".JSON";

    /// <summary>Reads either format; <paramref name="options"/> apply to CoNLL files only (JSON Lines carry their own ids and languages).</summary>
    public static Corpus Read(string path, ConllReadOptions? options = null) =>
        IsJsonLines(path) ? JsonLines.Read(path) : ConllReader.Read(path, options);

    /// <summary>Reads several files, all of them before failing, so one run shows every file's problems.</summary>
    public static IReadOnlyList<Corpus> ReadAll(IReadOnlyList<string> paths, ConllReadOptions? options = null)
    {
        var problems = new List<InputProblem>();
        var corpora = new List<Corpus>(paths.Count);
        foreach (var path in paths)
        {
            try
            {
                corpora.Add(Read(path, options));
            }
            catch (InputException e)
            {
                problems.AddRange(e.Problems);
            }
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return corpora;
    }

    /// <summary>Writes sentences in the format the extension names; CoNLL gets a fresh layout (see <see cref="ConllWriter.WriteSentences"/>).</summary>
    public static void WriteSentences(IEnumerable<Sentence> sentences, string path)
    {
        if (IsJsonLines(path))
            JsonLines.Write(sentences, path);
        else
            ConllWriter.WriteSentences(sentences, path);
    }
}
