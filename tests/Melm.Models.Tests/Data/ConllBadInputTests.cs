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

        Assert.Contains("latin1.txt: not UTF-8 text", error.Message, StringComparison.Ordinal);
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
