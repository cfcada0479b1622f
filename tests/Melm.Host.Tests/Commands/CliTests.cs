namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class CliTests
{
    [Fact]
    public void ACommandLineThatDoesNotParseIsBadInput()
    {
        var (code, _, error) = ConsoleCapture.Run("eval", "--gold");
        Assert.Equal(2, code);
        Assert.Contains("--gold", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpIsNotAnError()
    {
        var (code, output, _) = ConsoleCapture.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("eval", output, StringComparison.Ordinal);
    }
}
