using System.Text;
using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>
/// Writes CoNLL column files. <see cref="Serialize(Corpus)"/> is lossless for a file read by
/// <see cref="ConllReader"/>: same bytes, except that a file with mixed line endings is written with
/// the ending of its first line throughout. Sentences without a layout (built in memory, read from
/// JSON Lines) are written token TAB [extra columns TAB] tag, with a blank line after each.
/// </summary>
public static class ConllWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the corpus as it was read: its blank lines, -DOCSTART- lines, spacing, BOM and line endings.</summary>
    public static void Write(Corpus corpus, string path) => File.WriteAllBytes(path, Serialize(corpus));

    /// <summary>Writes sentences with their own token spacing but a fresh layout: no BOM, LF, a blank
    /// line after every sentence, no -DOCSTART- lines (used for samples and augmented files).</summary>
    public static void WriteSentences(IEnumerable<Sentence> sentences, string path) =>
        File.WriteAllBytes(path, Serialize(sentences.ToList(), ConllFileLayout.Canonical, keepLinesBefore: false, path));

    public static byte[] Serialize(Corpus corpus) =>
        Serialize(corpus.Sentences, corpus.FileLayout ?? ConllFileLayout.Canonical, keepLinesBefore: true, corpus.Source);

    public static byte[] SerializeSentences(IReadOnlyList<Sentence> sentences, string target) =>
        Serialize(sentences, ConllFileLayout.Canonical, keepLinesBefore: false, target);

    private static byte[] Serialize(IReadOnlyList<Sentence> sentences, ConllFileLayout file, bool keepLinesBefore, string target)
    {
        var problems = new List<InputProblem>();
        var text = new StringBuilder();
        var first = true;
        void Line(string line)
        {
            if (!first)
                text.Append(file.LineEnding);
            text.Append(line);
            first = false;
        }
        for (var s = 0; s < sentences.Count; s++)
        {
            var sentence = sentences[s];
            var before = keepLinesBefore && sentence.Layout is { } layout ? layout.LinesBefore
                : s == 0 ? [] : [""];
            foreach (var line in before)
                Line(line);
            Check(sentence, target, problems);
            for (var i = 0; i < sentence.Tokens.Count; i++)
                Line(TokenLine(sentence, i));
        }
        foreach (var line in file.LinesAfter)
            Line(line);
        if (file.EndsWithNewline && !first)
            text.Append(file.LineEnding);
        if (problems.Count > 0)
            throw new InputException(problems);
        var body = Utf8.GetBytes(text.ToString());
        return file.HasBom ? [0xEF, 0xBB, 0xBF, .. body] : body;
    }

    private static string TokenLine(Sentence sentence, int i)
    {
        var extras = sentence.ExtraColumns.Count > 0 ? sentence.ExtraColumns[i] : [];
        var spacing = sentence.Layout is { } layout && layout.Spacing.Count == sentence.Tokens.Count
            && layout.Spacing[i].Gaps.Count == extras.Count + 1
            ? layout.Spacing[i]
            : null;
        var line = new StringBuilder(sentence.Tokens[i]);
        for (var k = 0; k <= extras.Count; k++)
        {
            line.Append(spacing?.Gaps[k] ?? "\t");
            line.Append(k < extras.Count ? extras[k] : sentence.Tags[i]);
        }
        line.Append(spacing?.Trailing ?? "");
        return line.ToString();
    }

    // A field with whitespace, an empty field or a -DOCSTART- token would read back differently: refuse rather than corrupt.
    private static void Check(Sentence sentence, string target, List<InputProblem> problems)
    {
        if (sentence.Tags.Count != sentence.Tokens.Count)
        {
            problems.Add(new InputProblem(target, null, $"sentence {sentence.Id}: {sentence.Tokens.Count} tokens but {sentence.Tags.Count} tags"));
            return;
        }
        if (sentence.ExtraColumns.Count is var extras && extras != 0 && extras != sentence.Tokens.Count)
            problems.Add(new InputProblem(target, null, $"sentence {sentence.Id}: {sentence.Tokens.Count} tokens but extra columns for {extras}"));
        for (var i = 0; i < sentence.Tokens.Count; i++)
        {
            var fields = sentence.ExtraColumns.Count == sentence.Tokens.Count
                ? [sentence.Tokens[i], .. sentence.ExtraColumns[i], sentence.Tags[i]]
                : new[] { sentence.Tokens[i], sentence.Tags[i] };
            foreach (var field in fields)
            {
                if (field.Length == 0 || field.AsSpan().IndexOfAny(" \t\r\n") >= 0)
                    problems.Add(new InputProblem(target, null, $"sentence {sentence.Id}, token {i + 1}: \"{field}\" is empty or holds whitespace, which a CoNLL column cannot"));
            }
            if (sentence.Tokens[i] == ConllReader.DocStart)
                problems.Add(new InputProblem(target, null, $"sentence {sentence.Id}, token {i + 1}: a token {ConllReader.DocStart} would read back as a document marker"));
        }
    }
}
