using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>
/// Reads CoNLL column files: one token per line, the token first, the tag last, any columns between
/// kept; columns separated by runs of spaces or tabs (only those: a no-break space stays inside its
/// token); sentences separated by one or more blank or whitespace-only lines; -DOCSTART- lines
/// separate sentences too. Accepts CRLF, a UTF-8 BOM, trailing spaces and a last sentence without a
/// blank line after it, and records all of that so <see cref="ConllWriter"/> writes the bytes back.
/// Tag syntax is checked here; the scheme is checked by <see cref="TagSchemes.EnsureValid"/>.
/// </summary>
public static class ConllReader
{
    public const string DocStart = "-DOCSTART-";


    public static Corpus Read(string path, ConllReadOptions? options = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the file: {e.Message}");
        }
        return Parse(bytes, path, options);
    }

    /// <summary>Reads a file's bytes; <paramref name="source"/> names it in problems and ids.</summary>
    public static Corpus Parse(byte[] bytes, string source, ConllReadOptions? options = null)
    {
        options ??= new ConllReadOptions();
        if (options.Language is not null && options.LanguageColumn is not null)
            throw new ArgumentException("give either a language for the file or a language column, not both", nameof(options));
        var (text, hasBom) = Utf8Text.Decode(bytes, source);
        var parser = new Parser(source, options);
        var lineEnding = "\n";
        var lineNumber = 0;
        var position = 0;
        while (position < text.Length)
        {
            var newline = text.IndexOf('\n', position);
            var end = newline < 0 ? text.Length : newline;
            var content = end > position && text[end - 1] == '\r' ? end - 1 : end;
            if (lineNumber == 0 && newline >= 0 && content < end)
                lineEnding = "\r\n";
            lineNumber++;
            parser.Line(text.AsSpan(position, content - position), lineNumber);
            position = newline < 0 ? text.Length : newline + 1;
        }
        var endsWithNewline = text.Length > 0 && text[^1] == '\n';
        var (sentences, linesAfter) = parser.Finish();
        return new Corpus(source, sentences)
        {
            Format = CorpusFormat.Conll,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            FileLayout = new ConllFileLayout(hasBom, lineEnding, endsWithNewline, linesAfter),
        };
    }

    private sealed class Parser(string source, ConllReadOptions options)
    {
        private readonly string _prefix = options.IdPrefix ?? Path.GetFileNameWithoutExtension(source);
        private readonly List<InputProblem> _problems = [];
        private readonly List<Sentence> _sentences = [];
        private readonly List<string> _gap = [];
        private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);
        private readonly List<string> _tokens = [];
        private readonly List<string> _tagsOfSentence = [];
        private readonly List<IReadOnlyList<string>> _extras = [];
        private readonly List<int> _lines = [];
        private readonly List<LineSpacing> _spacing = [];
        private readonly List<string> _fields = [];
        private readonly List<string> _gaps = [];
        private LineSpacing _lastSpacing = LineSpacing.Tab;
        private int _columns;
        private int _columnsLine;
        private bool _untagged;

        public void Line(ReadOnlySpan<char> line, int number)
        {
            // Read as part of a field, a carriage return that ends no line (old Mac line ends, a stray
            // one) would glue two lines into one token's columns, which the writer then refuses.
            if (line.Contains('\r'))
            {
                Problem(number, "a carriage return inside the line: lines end with LF or CRLF (convert CR line ends)");
                return;
            }
            if (line.IndexOfAnyExcept(' ', '\t') < 0)
            {
                EndSentence();
                _gap.Add(line.ToString());
                return;
            }
            if (line[0] is ' ' or '\t')
            {
                Problem(number, "the line starts with whitespace, so its token is empty");
                return;
            }
            Split(line);
            if (_fields[0] == DocStart)
            {
                EndSentence();
                _gap.Add(line.ToString());
                return;
            }
            if (!CheckColumns(number))
                return;
            var tag = _untagged ? Tag.OutsideText : _fields[^1];
            if (!_tags.TryGetValue(tag, out var interned))
            {
                if (!Tag.TryParse(tag, out _, out var error))
                {
                    Problem(number, error!);
                    return;
                }
                _tags[tag] = interned = tag;
            }
            _tokens.Add(_fields[0]);
            _tagsOfSentence.Add(interned);
            if (_fields.Count > 2)
                _extras.Add(_fields.GetRange(1, _fields.Count - 2).ToArray());
            _lines.Add(number);
            _spacing.Add(Spacing());
        }

        public (List<Sentence> Sentences, List<string> LinesAfter) Finish()
        {
            EndSentence();
            if (_sentences.Count == 0 && _problems.Count == 0)
                _problems.Add(new InputProblem(source, null, "no sentences: the file is empty or holds only blank and -DOCSTART- lines"));
            if (_problems.Count > 0)
                throw new InputException(_problems);
            return (_sentences, [.. _gap]);
        }

        private bool CheckColumns(int number)
        {
            if (_columns == 0 && !_untagged && _fields.Count == 1 && options.AllowUntagged)
            {
                _untagged = true;
                _columnsLine = number;
            }
            if (_untagged)
            {
                if (_fields.Count == 1)
                    return true;
                Problem(number, $"{_fields.Count} columns, but line {_columnsLine} holds a token alone: in a file of tokens to tag every line holds one token");
                return false;
            }
            if (_fields.Count < 2)
            {
                Problem(number, $"only one column (\"{_fields[0]}\"): expected a token and a tag separated by spaces or tabs");
                return false;
            }
            if (_columns == 0)
            {
                _columns = _fields.Count;
                _columnsLine = number;
                if (options.LanguageColumn is { } column && (column < 1 || column > _columns - 2))
                {
                    Problem(number, $"language column {column} is not between the token (0) and the tag ({_columns - 1}) of this {_columns}-column file");
                    return false;
                }
            }
            else if (_fields.Count != _columns)
            {
                Problem(number, $"{_fields.Count} columns, but line {_columnsLine} has {_columns}: every token line needs the same columns");
                return false;
            }
            return true;
        }

        private void EndSentence()
        {
            if (_tokens.Count == 0)
                return;
            _sentences.Add(new Sentence($"{_prefix}:{_sentences.Count}", Language(), _tokens.ToArray(), _tagsOfSentence.ToArray())
            {
                ExtraColumns = _extras.Count > 0 ? _extras.ToArray() : [],
                Lines = _lines.ToArray(),
                Layout = new ConllLayout(_gap.ToArray(), _spacing.ToArray()),
            });
            _tokens.Clear();
            _tagsOfSentence.Clear();
            _extras.Clear();
            _lines.Clear();
            _spacing.Clear();
            _gap.Clear();
        }

        private string? Language()
        {
            if (options.LanguageColumn is not { } column)
                return options.Language;
            var language = _extras[0][column - 1];
            for (var i = 1; i < _extras.Count; i++)
            {
                if (!string.Equals(_extras[i][column - 1], language, StringComparison.Ordinal))
                    Problem(_lines[i], $"language \"{_extras[i][column - 1]}\" differs from \"{language}\" on line {_lines[0]}: a sentence has one language");
            }
            return language;
        }

        private void Split(ReadOnlySpan<char> line)
        {
            _fields.Clear();
            _gaps.Clear();
            var i = 0;
            while (i < line.Length)
            {
                var start = i;
                while (i < line.Length && line[i] is not (' ' or '\t'))
                    i++;
                _fields.Add(line[start..i].ToString());
                start = i;
                while (i < line.Length && line[i] is ' ' or '\t')
                    i++;
                _gaps.Add(Gap(line[start..i]));
            }
        }

        // The last gap is the trailing whitespace; lines spaced like the previous one share its instance.
        private LineSpacing Spacing()
        {
            var gaps = CollectionsMarshal.AsSpan(_gaps);
            if (!_lastSpacing.SameAs(gaps[..^1], gaps[^1]))
                _lastSpacing = new LineSpacing(gaps[..^1].ToArray(), gaps[^1]);
            return _lastSpacing;
        }

        private static string Gap(ReadOnlySpan<char> gap) => gap switch
        {
            "" => "",
            "\t" => "\t",
            " " => " ",
            _ => gap.ToString(),
        };

        private void Problem(int line, string message) => _problems.Add(new InputProblem(source, line, message));
    }
}
