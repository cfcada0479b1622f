using System.CommandLine;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>The `melm` command tree and the one place that turns failures into exit codes.</summary>
public static class Cli
{
    /// <summary>Exit code for bad input: a file, folder or option the user can fix.</summary>
    public const int BadInput = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("Melm: masked-entity language-model data augmentation for low-resource NER.");
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        return root;
    }

    /// <summary>Runs a command body; bad input becomes a message on stderr and exit code 2, not a stack trace.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException e)
        {
            Console.Error.WriteLine("error: " + e.Message.Replace(Environment.NewLine, Environment.NewLine + "error: ", StringComparison.Ordinal));
            return BadInput;
        }
    }
}
