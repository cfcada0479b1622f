using System.Text;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Data;

public sealed class ConllBadInputTests
{
    [Theory]
    [InlineData("a O\nb B_PER\n", "bad.txt:2: malformed tag \"B_PER\"")]
    [InlineData("a O\nb X-PER\n", "bad.txt:2: malformed tag \"X-PER\"")]
    [InlineData("a O\nb B-\n", "bad.txt:2: malformed tag \"B-\": the type after the hyphen is missing")]
    [InlineData("a O\n\tB-PER\n", "bad.txt:2: the line starts with whitespace, so its token is empty")]
    [InlineData("a O\nlonely\n", "bad.txt:2: only one column (\"lonely\")")]
    [InlineData("a X O\nb O\n", "bad.txt:2: 2 columns, but line 1 has 3")]
    [InlineData("a O\rb O\n", "bad.txt:1: a carriage return inside the line: lines end with LF or CRLF")]
    [InlineData("a O\nb\rc O\r\n", "bad.txt:2: a carriage return inside the line")]
    [InlineData("", "bad.txt: no sentences")]
    [InlineData("\n\n-DOCSTART- O\n\n", "bad.txt: no sentences")]
    public void EachProblemNamesFileLineAndWhatIsWrong(string text, string expected)
    {
        var error = ConllText.Fails(text);

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8IsAProblemNotReplacementCharacters()
    {
        byte[] bytes = [.. "caf"u8, 0xE9, .. " O\n"u8];

        var error = Assert.Throws<InputException>(() => ConllReader.Parse(bytes, "latin1.txt"));

        Assert.StartsWith("latin1.txt:1: not UTF-8 text: invalid byte 0xE9 at column 4 (byte offset 3)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Columns count characters (two-byte "é", four-byte "𝄞"), lines count from the first after a byte-order mark; offsets count bytes of the file.
    [InlineData(false, 3, 4, 16)]
    [InlineData(true, 3, 4, 19)]
    public void InvalidUtf8NamesTheLineColumnAndByteOffsetOfTheFirstBadByte(bool bom, int line, int column, int offset)
    {
        byte[] bytes = [.. bom ? new byte[] { 0xEF, 0xBB, 0xBF } : [], .. "caf\u00e9 O\n\nx\U0001D11E\u00e9"u8, 0xC3, .. " O\n"u8];

        var error = Assert.Throws<InputException>(() => ConllReader.Parse(bytes, "mixed.txt"));
        var jsonError = Assert.Throws<InputException>(() => JsonLines.Parse(bytes, "mixed.jsonl"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(line, problem.Line);
        Assert.Equal($"not UTF-8 text: invalid byte 0xC3 at column {column} (byte offset {offset}); convert the file to UTF-8", problem.Message);
        Assert.Equal(0xC3, bytes[offset]);
        Assert.Equal((line, problem.Message), (Assert.Single(jsonError.Problems).Line, Assert.Single(jsonError.Problems).Message));
    }

    [Fact]
    public void AllProblemsAreCollectedAndTheMessageListsTwentyThenCounts()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 25; i++)
            text.Append("w B_PER\n");

        var error = ConllText.Fails(text.ToString());

        Assert.Equal(25, error.Problems.Count);
        Assert.Equal(Enumerable.Range(1, 25), error.Problems.Select(p => p.Line!.Value));
        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal(21, lines.Length);
        Assert.StartsWith("bad.txt:20: malformed tag", lines[19], StringComparison.Ordinal);
        Assert.Equal("... and 5 more problems", lines[20]);
    }

    [Fact]
    public void AMissingFileIsAnInputProblem()
    {
        var path = Path.Combine(Path.GetTempPath(), "melm-no-such-file-" + Guid.NewGuid().ToString("N") + ".txt");

        var error = Assert.Throws<InputException>(() => ConllReader.Read(path));

        Assert.Equal(path, Assert.Single(error.Problems).Source);
    }
}
