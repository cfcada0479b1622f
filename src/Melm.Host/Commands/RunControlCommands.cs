using System.CommandLine;
using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Host.Cluster;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>
/// `melm resume RUN` and `melm cancel RUN`: through a running cluster's coordinator (--url), or on
/// a run root's own journal (--run-root), where resume runs the rest as a one-node cluster.
/// </summary>
public static class RunControlCommands
{
    public static Command Resume() => Create("resume", "Continue a run that failed or could not write its output, once the cause is fixed.", resume: true);

    public static Command Cancel() => Create("cancel", "Stop a run for good: no more items are handed out.", resume: false);

    private static Command Create(string name, string description, bool resume)
    {
        var run = new Argument<string>("run") { Description = "The run's id (melm runs, melm status)." };
        var url = SubmitCommand.UrlOption();
        url.DefaultValueFactory = null;
        var root = new Option<DirectoryInfo?>("--run-root") { Description = "Folder whose journal.db holds the run, when no cluster is running." };
        var device = new Option<string>("--device") { Description = "Device the resumed run's items run on (with --run-root).", DefaultValueFactory = _ => "cpu" };
        var command = new Command(name, description);
        command.Arguments.Add(run);
        foreach (var option in resume ? new Option[] { url, root, device } : [url, root])
            command.Options.Add(option);
        var endpoint = new EndpointArguments();
        endpoint.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var runId = parseResult.GetValue(run)!;
            var address = parseResult.GetValue(url);
            var folder = parseResult.GetValue(root)?.FullName;
            if ((address is null) == (folder is null))
                throw new InputException(address is null ? "--run-root" : "--url", null, "give either --url (a running cluster) or --run-root (a journal.db folder)");
            RunStatus status;
            if (address is not null)
            {
                using var client = endpoint.Connect(parseResult, address);
                status = (resume ? client.ResumeAsync(runId) : client.CancelAsync(runId)).GetAwaiter().GetResult();
            }
            else if (!File.Exists(Path.Combine(folder!, MelmClusterConfig.DefaultSqliteFile)))
                throw new InputException(folder!, null, $"no {MelmClusterConfig.DefaultSqliteFile} here: no runs to {name}");
            else
                status = resume ? LocalRun.Run(folder!, parseResult.GetValue(device)!, new ResumeRun(runId)) : CancelInJournal(folder!, runId);
            Console.WriteLine($"run {status.RunId}: {status.Stage}, {status.Done}/{status.Total} items done");
            return 0;
        }));
        return command;
    }

    /// <summary>Cancels through a local runs manager on the journal: no cluster, no workers.</summary>
    private static RunStatus CancelInJournal(string folder, string runId)
    {
        var system = RunJournal.CreateLocalSystem("melm-cancel", MelmPersistenceOptions.SqliteFile(Path.Combine(folder, MelmClusterConfig.DefaultSqliteFile)));
        try
        {
            var runs = system.ActorOf(RunsManagerSupervisor.Props(CoordinatorSettings.Default), MelmActorsHosting.RunsManagerName);
            return runs.Ask<object>(new CancelRun(runId), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult() switch
            {
                RunStatus status => status,
                RunNotFound => throw new InputException(folder, null, $"no run named {runId} in its journal"),
                var other => throw new InvalidOperationException($"unexpected reply {other.GetType().Name}"),
            };
        }
        finally
        {
            system.Terminate().GetAwaiter().GetResult();
        }
    }
}
