namespace Melm.Host.Tests.Commands;

/// <summary>Runs `melm` in-process with stdout and stderr captured. Console is global, so tests that use this share one non-parallel collection.</summary>
internal static class ConsoleCapture
{
    public const string Collection = "Console";

    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            var code = Melm.Host.Commands.Cli.Invoke(args);
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
