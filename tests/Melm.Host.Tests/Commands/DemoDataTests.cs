using Melm.Host.Commands;

namespace Melm.Host.Tests.Commands;

public sealed class DemoDataTests
{
    [Fact]
    public void TheEmbeddedDemoDataEqualsTheSamplesFolder()
    {
        using var temp = new TempFolder();
        DemoData.Extract(temp.Path);
        var samples = SharedFiles.Repository("samples/demo");
        var expected = Directory.GetFiles(samples, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(samples, f)).Where(f => f != "README.md").Order(StringComparer.Ordinal).ToArray();
        var extracted = Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(temp.Path, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, extracted);
        Assert.Contains("tokenizer/sentencepiece.bpe.model", extracted);
        foreach (var file in expected)
            Assert.Equal(File.ReadAllBytes(Path.Combine(samples, file)), File.ReadAllBytes(temp.Combine(file)));
    }
}
