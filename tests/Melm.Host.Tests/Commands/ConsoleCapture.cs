namespace Melm.Host.Tests.Commands;

/// <summary>Runs `melm` in-process with stdout and stderr captured. Console is global, so tests that use this share one non-parallel collection.</summary>
internal static class ConsoleCapture
{
    public const string Collection = "Console";

    public static (int ExitCode, string Out, string Error) Run(params string[] args) => Run(() => Melm.Host.Commands.Cli.Invoke(args));

    /// <summary>Runs <paramref name="body"/> (a command's code called directly) with the console captured.</summary>
    public static (int ExitCode, string Out, string Error) Run(Func<int> body)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            var code = body();
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}

[CollectionDefinition(ConsoleCapture.Collection, DisableParallelization = true)]
public sealed class ConsoleCaptureGroup;
