using System.CommandLine;
using Melm.Host.Cluster;
using Melm.Models.Checkpoints.Hub;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>The `melm` command tree and the one place that turns failures into exit codes.</summary>
public static class Cli
{
    /// <summary>Exit code for bad input: a file, folder or option the user can fix.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for work that failed on the way (network, checksum, disk); the message says what to do.</summary>
    public const int Failed = 1;

    /// <summary>Parses and runs a command line; a command line that does not parse is bad input too (exit code 2).</summary>
    public static int Invoke(string[] args)
    {
        var parsed = Build().Parse(args);
        var code = parsed.Invoke();
        return parsed.Errors.Count > 0 ? BadInput : code;
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("Melm: masked-entity language-model data augmentation for low-resource NER.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(NerCommand.Create());
        root.Subcommands.Add(CodeMixCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(AugmentCommand.Create());
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(RunControlCommands.Resume());
        root.Subcommands.Add(RunControlCommands.Cancel());
        root.Subcommands.Add(MlmCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(ExperimentCommand.Create());
        return root;
    }

    /// <summary>
    /// Runs a command body; bad input (exit code 2) and a failed fetch (exit code 1) become a message
    /// on stderr, not a stack trace.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException e)
        {
            return Report(e.Message, BadInput);
        }
        catch (HubFetchException e)
        {
            return Report(e.Message, Failed);
        }
        catch (RunRequestException e)
        {
            return Report(e.Message, Failed);
        }
        catch (Melm.Models.Checkpoints.CheckpointWriteException e)
        {
            return Report(e.Message, Failed);
        }
    }

    private static int Report(string message, int exitCode)
    {
        Console.Error.WriteLine("error: " + message.Replace(Environment.NewLine, Environment.NewLine + "error: ", StringComparison.Ordinal));
        return exitCode;
    }
}
