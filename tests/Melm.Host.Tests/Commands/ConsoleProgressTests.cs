using Melm.Host.Commands;
using Melm.Models.Diagnostics;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class ConsoleProgressTests
{
    [Fact]
    public void PlainLinesStartWithTheFirstUpdateOfAStageAndEndWithTheLast()
    {
        var oldError = Console.Error;
        using var error = new StringWriter();
        try
        {
            Console.SetError(error);
            using (var progress = new ConsoleProgress())
            {
                progress.Report(new ProgressUpdate("encode mentions (en)", 64, 200, "mentions"));
                progress.Report(new ProgressUpdate("encode mentions (en)", 128, 200, "mentions"));
                progress.Report(new ProgressUpdate("encode mentions (en)", 200, 200, "mentions"));
            }
        }
        finally
        {
            Console.SetError(oldError);
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("encode mentions (en) 64/200 mentions", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("encode mentions (en) 200/200 mentions", lines[1], StringComparison.Ordinal);
    }
}
