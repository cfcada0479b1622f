using System.Text.Json;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class EvalCommandTests
{
    private const string Gold = "EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\n\nPeter\tB-PER\nBlackburn\tI-PER\n\n";
    private const string Predicted = "EU\tB-ORG\nrejects\tO\nGerman\tO\n\nPeter\tI-PER\nBlackburn\tI-PER\n\n";

    [Fact]
    public void PrintsATableAndWritesTheFigures()
    {
        using var folder = new TempFolder();
        var gold = folder.Write("gold.txt", Gold);
        var predicted = folder.Write("pred.txt", Predicted);
        var json = Path.Combine(folder.Path, "f1.json");

        var (code, output, error) = ConsoleCapture.Run("eval", "--gold", gold, "--pred", predicted, "--json", json);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("conlleval", output, StringComparison.Ordinal);
        Assert.Contains("MISC", output, StringComparison.Ordinal);
        Assert.Contains("100.00", output, StringComparison.Ordinal);
        Assert.Contains("80.00", output, StringComparison.Ordinal);
        using var figures = JsonDocument.Parse(File.ReadAllBytes(json));
        var overall = figures.RootElement.GetProperty("overall");
        Assert.Equal(3, overall.GetProperty("gold").GetInt32());
        Assert.Equal(2, overall.GetProperty("predicted").GetInt32());
        Assert.Equal(2, overall.GetProperty("correct").GetInt32());
        Assert.Equal(80.0, overall.GetProperty("f1").GetDouble(), 10);
        Assert.Equal(3, figures.RootElement.GetProperty("per_type").GetArrayLength());
    }

    [Fact]
    public void StrictModeDoesNotCountAnEntityStartingWithI()
    {
        using var folder = new TempFolder();
        var gold = folder.Write("gold.txt", Gold);
        var predicted = folder.Write("pred.txt", Predicted);
        var json = Path.Combine(folder.Path, "f1.json");

        var (code, _, _) = ConsoleCapture.Run("eval", "--gold", gold, "--pred", predicted, "--json", json, "--strict");

        Assert.Equal(0, code);
        using var figures = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.Equal("strict IOB2", figures.RootElement.GetProperty("mode").GetString());
        Assert.Equal(1, figures.RootElement.GetProperty("overall").GetProperty("predicted").GetInt32());
    }

    [Fact]
    public void ABadFileExitsWithTwoAndNamesFileAndLineOnStderr()
    {
        using var folder = new TempFolder();
        var gold = folder.Write("gold.txt", Gold);
        var predicted = folder.Write("pred.txt", "EU\tB-ORG\nrejects\tB_PER\nGerman\n\nPeter\tB-PER\nBlackburn\tI-PER\n\n");

        var (code, output, error) = ConsoleCapture.Run("eval", "--gold", gold, "--pred", predicted);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"error: {predicted}:2: malformed tag \"B_PER\"", error, StringComparison.Ordinal);
        Assert.Contains($"error: {predicted}:3: only one column", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MisalignedFilesExitWithTwo()
    {
        using var folder = new TempFolder();
        var gold = folder.Write("gold.txt", Gold);
        var predicted = folder.Write("pred.txt", "EU\tB-ORG\nrejects\tO\nGerman\tO\n\n");

        var (code, _, error) = ConsoleCapture.Run("eval", "--gold", gold, "--pred", predicted);

        Assert.Equal(2, code);
        Assert.Contains("1 sentences but the gold file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileExitsWithTwo()
    {
        using var folder = new TempFolder();
        var gold = folder.Write("gold.txt", Gold);

        var (code, _, error) = ConsoleCapture.Run("eval", "--gold", gold, "--pred", Path.Combine(folder.Path, "none.txt"));

        Assert.Equal(2, code);
        Assert.Contains("none.txt: cannot read the file", error, StringComparison.Ordinal);
    }
}
