using Melm.Models.CodeMix;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.CodeMix;

public sealed class AlignedVectorsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string text)
    {
        var path = Path.Combine(_temp.Path, "wiki.multi.xx.vec");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void KeepsOnlyTheWantedWordsAndFallsBackToLowerCase()
    {
        var path = Write("4 3\nparis 1 0 0 \nParis 0 1 0\nberlin 0 0 1\nrome 0.5 -2.5e-1 1E2\n");
        var vectors = AlignedVectors.Read(path, new HashSet<string> { "Paris", "Rome", "Madrid" });

        Assert.Equal(3, vectors.Dimension);
        Assert.Equal(4, vectors.FileWords);
        Assert.Equal(3, vectors.Count);
        Assert.True(vectors.TryGet("Paris", out var exact));
        Assert.Equal([0f, 1f, 0f], exact);
        Assert.True(vectors.TryGet("paris", out var lower));
        Assert.Equal([1f, 0f, 0f], lower);
        Assert.True(vectors.TryGet("Rome", out var rome));
        Assert.Equal([0.5f, -0.25f, 100f], rome);
        Assert.False(vectors.TryGet("berlin", out _));
        Assert.False(vectors.TryGet("Madrid", out _));
    }

    [Theory]
    [InlineData("2 3\nparis 1 0 0\nberlin 0 1\n", 3, "\"berlin\" has 2 values, the header says 3")]
    [InlineData("2 3\nparis 1 0 0 0\nberlin 0 1 0\n", 2, "\"paris\" has 4 values, the header says 3")]
    [InlineData("2 3\nparis 1 x 0\nberlin 0 1 0\n", 2, "value 2 of \"paris\" is \"x\", not a finite number")]
    [InlineData("2 3\nparis 1 0 0\nberlin 0 NaN 0\n", 3, "value 2 of \"berlin\" is \"NaN\", not a finite number")]
    [InlineData("2 3\nparis 1 0 0\nberlin\n", 3, "expected a word and 3 numbers")]
    [InlineData("300\nparis 1 0 0\n", 1, "expected a header \"count dim\"")]
    [InlineData("", 1, "empty vector file")]
    public void MalformedLinesAreReportedWithFileAndLine(string text, int line, string message)
    {
        var path = Write(text);
        var error = Assert.Throws<InputException>(() => AlignedVectors.Read(path, new HashSet<string> { "paris" }));
        var problem = error.Problems[0];
        Assert.Equal(path, problem.Source);
        Assert.Equal(line, problem.Line);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwantedLinesAreCheckedTooAndEveryProblemIsListed()
    {
        var path = Write("3 2\nparis 1 0\nfoo 1\nbar 1 zz\n");
        var error = Assert.Throws<InputException>(() => AlignedVectors.Read(path, new HashSet<string> { "paris" }));
        Assert.Equal([3, 4], error.Problems.Select(p => p.Line));
    }

    [Fact]
    public void AWordCountThatDisagreesWithTheHeaderIsATruncatedFile()
    {
        var path = Write("5 2\nparis 1 0\nrome 0 1\n");
        var error = Assert.Throws<InputException>(() => AlignedVectors.Read(path, new HashSet<string> { "paris" }));
        Assert.Contains("announces 5 words but the file holds 2", Assert.Single(error.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorsOfDifferentDimensionsCannotBeCombined()
    {
        var a = Path.Combine(_temp.Path, "a.vec");
        var b = Path.Combine(_temp.Path, "b.vec");
        File.WriteAllText(a, "1 2\nx 1 0\n");
        File.WriteAllText(b, "1 3\nx 1 0 0\n");
        var wanted = new HashSet<string> { "x" };
        var error = Assert.Throws<InputException>(() => new AlignedVectorEmbedder(new Dictionary<string, AlignedVectors>
        {
            ["en"] = AlignedVectors.Read(a, wanted),
            ["es"] = AlignedVectors.Read(b, wanted),
        }));
        Assert.Equal([a, b], error.Problems.Select(p => p.Source));
    }

    [Fact]
    public void AMentionVectorIsTheMeanOfItsKnownWords()
    {
        var path = Write("3 2\nnew 1 0\nyork 0 1\ncity 1 1\n");
        var embedder = new AlignedVectorEmbedder(new Dictionary<string, AlignedVectors>
        {
            ["en"] = AlignedVectors.Read(path, new HashSet<string> { "New", "York", "Gotham" }),
        });
        var vectors = embedder.Embed("en", [["New", "York", "Gotham"], ["Gotham"]]);
        Assert.Equal([0.5f, 0.5f], vectors[0]!);
        Assert.Null(vectors[1]);
    }
}
