using CsCheck;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Fuzzing;

/// <summary>
/// The CoNLL and JSON Lines readers fed random and mutated files: they either read the file or
/// throw an InputException whose every problem names the file and, when it has one, a line of it;
/// never another exception. What they read, they write back.
/// </summary>
public sealed class ReaderFuzzTests
{
    private const int Iterations = 3000;

    /// <summary>The first sentences of a demo file, up to a blank line.</summary>
    private static readonly byte[] Conll = FirstSentences(File.ReadAllText(SharedFiles.Repository("samples/demo/de/train.txt")), 400);

    private static readonly byte[] Jsonl = JsonLines.Serialize(ConllReader.Parse(Conll, "seed.txt").Sentences.Take(3)
        .Select((s, i) => i == 1 ? s with { Provenance = new Provenance("x:0", 2, "melm") } : s));

    public static TheoryData<string> Inputs => ["random", "mutated"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void TheConllReaderReadsAndWritesBackOrNamesTheFileAndLine(string input)
    {
        var (read, refused) = (0, 0);
        Gen(input, Conll).Check(bytes =>
        {
            Corpus corpus;
            try
            {
                corpus = ConllReader.Parse(bytes, "fuzz.txt");
            }
            catch (InputException e)
            {
                AssertNamesFileAndLine(e, "fuzz.txt", bytes);
                refused++;
                return;
            }
            read++;
            Assert.NotEmpty(corpus.Sentences);
            Assert.All(corpus.Sentences, s => Assert.Equal(s.Tokens.Count, s.Tags.Count));
            var written = ConllWriter.Serialize(corpus);
            // The writer ends every line as the file's first line ends: a file that mixes LF, CRLF and a
            // last line ended by a lone CR comes back with one of them.
            var lineEnds = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == (byte)'\n').Select(i => i > 0 && bytes[i - 1] == (byte)'\r' ? "CRLF" : "LF")
                .Concat(bytes.Length > 0 && bytes[^1] == (byte)'\r' ? ["CR"] : []).Distinct().Count();
            if (lineEnds <= 1)
                Assert.Equal(bytes, written);
            Assert.Equal(JsonLines.Serialize(corpus.Sentences), JsonLines.Serialize(ConllReader.Parse(written, "fuzz.txt").Sentences));
        }, Iterations);

        AssertBothOutcomes(input, read, refused);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void TheJsonLinesReaderReadsWhatItWritesOrNamesTheFileAndLine(string input)
    {
        var (read, refused) = (0, 0);
        Gen(input, Jsonl).Check(bytes =>
        {
            Corpus corpus;
            try
            {
                corpus = JsonLines.Parse(bytes, "fuzz.jsonl");
            }
            catch (InputException e)
            {
                AssertNamesFileAndLine(e, "fuzz.jsonl", bytes);
                refused++;
                return;
            }
            read++;
            Assert.NotEmpty(corpus.Sentences);
            Assert.All(corpus.Sentences, s => Assert.Equal(s.Tokens.Count, s.Tags.Count));
            var again = JsonLines.Parse(JsonLines.Serialize(corpus.Sentences), "again.jsonl");
            Assert.Equal(JsonLines.Serialize(corpus.Sentences), JsonLines.Serialize(again.Sentences));
        }, Iterations);

        AssertBothOutcomes(input, read, refused);
    }

    // Mutated files must be read and refused, or the property says nothing about one of the two.
    private static void AssertBothOutcomes(string input, int read, int refused)
    {
        Assert.True(refused > 0, "no input was refused");
        if (input == "mutated")
            Assert.True(read > 0, "no mutated file was read");
    }

    private static byte[] FirstSentences(string text, int atLeast) =>
        System.Text.Encoding.UTF8.GetBytes(text[..(text.IndexOf("\n\n", atLeast, StringComparison.Ordinal) + 2)]);

    private static Gen<byte[]> Gen(string input, byte[] valid) => input == "random" ? InputMutations.RandomBytes : InputMutations.Mutated(valid);

    private static void AssertNamesFileAndLine(InputException e, string source, byte[] bytes)
    {
        var lines = bytes.Count(b => b == (byte)'\n') + 1;
        Assert.NotEmpty(e.Problems);
        Assert.All(e.Problems, p =>
        {
            Assert.Equal(source, p.Source);
            Assert.False(string.IsNullOrWhiteSpace(p.Message));
            if (p.Line is { } line)
                Assert.InRange(line, 1, lines);
        });
    }
}
