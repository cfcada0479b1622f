using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>A Spectre console over the current Console.Out, made per command so redirected output (tests, pipes) is honoured.</summary>
internal static class ConsoleOutput
{
    public static IAnsiConsole Create() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
}
