using System.Globalization;
using System.Text;
using Melm.Models.Diagnostics;

namespace Melm.Models.CodeMix;

/// <summary>
/// Word vectors from a MUSE / fastText `.vec` text file: a header line "count dim", then one line
/// per word "word v1 ... vdim" separated by single spaces (a trailing space is allowed). Only the
/// wanted words are kept, so a 200k-word file costs the memory of the few thousand words a
/// training set needs. A word is looked up as written first, then lower-cased (MUSE's vocabularies
/// are lower-case; "Paris" finds "paris" when the file has no "Paris"). Every line is checked: a
/// wrong number of values, a value that is not a finite number, or a word count that disagrees
/// with the header is an <see cref="InputException"/> naming the file and line. A word listed
/// twice keeps its first vector, as fastText's loaders do.
/// </summary>
public sealed class AlignedVectors
{
    /// <summary>Reading stops after this many problems: a file that wrong is the wrong file.</summary>
    public const int MaxProblems = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, float[]> _vectors;

    private AlignedVectors(string source, int dimension, int fileWords, Dictionary<string, float[]> vectors)
    {
        Source = source;
        Dimension = dimension;
        FileWords = fileWords;
        _vectors = vectors;
    }

    public string Source { get; }

    public int Dimension { get; }

    /// <summary>How many words the file holds (all of them, not only the kept ones).</summary>
    public int FileWords { get; }

    /// <summary>How many vectors were kept.</summary>
    public int Count => _vectors.Count;

    /// <summary>Streams the file, keeping the vectors of <paramref name="wanted"/> and of their lower-case forms.</summary>
    public static AlignedVectors Read(string path, IReadOnlySet<string> wanted)
    {
        var keep = new HashSet<string>(wanted, StringComparer.Ordinal);
        foreach (var word in wanted)
            keep.Add(word.ToLowerInvariant());
        StreamReader reader;
        try
        {
            reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the vector file: {e.Message}");
        }
        using (reader)
            return Read(reader, path, keep);
    }

    private static AlignedVectors Read(StreamReader reader, string path, HashSet<string> keep)
    {
        var problems = new List<InputProblem>();
        var lineNumber = 1;
        var header = ReadLine(reader, path, lineNumber);
        if (header is null || header.Trim().Length == 0)
            throw new InputException(path, 1, "empty vector file: expected a header \"count dim\" (MUSE / fastText .vec text format)");
        var (declaredWords, dimension) = Header(header, path);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var words = 0;
        while (ReadLine(reader, path, ++lineNumber) is { } line)
        {
            if (line.Length == 0)
                continue;
            words++;
            var vector = ParseLine(line.AsSpan().TrimEnd(' '), dimension, out var word, out var error);
            if (error is not null)
            {
                problems.Add(new InputProblem(path, lineNumber, error));
                if (problems.Count >= MaxProblems)
                {
                    problems.Add(new InputProblem(path, null, $"stopped reading after {MaxProblems} problems"));
                    throw new InputException(problems);
                }
                continue;
            }
            if (keep.Contains(word!))
                vectors.TryAdd(word!, vector!);
        }
        if (words != declaredWords)
            problems.Add(new InputProblem(path, null, $"the header announces {declaredWords} words but the file holds {words}: a truncated or concatenated file?"));
        if (problems.Count > 0)
            throw new InputException(problems);
        return new AlignedVectors(path, dimension, words, vectors);
    }

    /// <summary>The vector of <paramref name="word"/> as written, else of its lower-case form.</summary>
    public bool TryGet(string word, out float[] vector) =>
        _vectors.TryGetValue(word, out vector!) || _vectors.TryGetValue(word.ToLowerInvariant(), out vector!);

    private static string? ReadLine(StreamReader reader, string path, int lineNumber)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException)
        {
            throw new InputException(path, lineNumber, "not UTF-8 text: .vec files are UTF-8");
        }
    }

    private static (int Words, int Dimension) Header(string header, string path)
    {
        var fields = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 2
            && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var words)
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var dimension)
            && dimension > 0)
        {
            return (words, dimension);
        }
        throw new InputException(path, 1, $"expected a header \"count dim\" (two positive integers), found \"{Shorten(header)}\"");
    }

    private static float[]? ParseLine(ReadOnlySpan<char> line, int dimension, out string? word, out string? error)
    {
        word = null;
        error = null;
        var space = line.IndexOf(' ');
        if (space <= 0)
        {
            error = $"expected a word and {dimension} numbers, found \"{Shorten(line.ToString())}\"";
            return null;
        }
        var vector = new float[dimension];
        var rest = line[(space + 1)..];
        var count = 0;
        foreach (var range in rest.Split(' '))
        {
            var field = rest[range];
            if (count < dimension)
            {
                if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                {
                    error = $"value {count + 1} of \"{line[..space]}\" is \"{Shorten(field.ToString())}\", not a finite number";
                    return null;
                }
                vector[count] = value;
            }
            count++;
        }
        if (count != dimension)
        {
            error = $"\"{line[..space]}\" has {count} values, the header says {dimension}";
            return null;
        }
        word = line[..space].ToString();
        return vector;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
