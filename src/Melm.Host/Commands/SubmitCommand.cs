using System.CommandLine;
using Melm.Actors.Coordinator;
using Melm.Host.Cluster;

namespace Melm.Host.Commands;

/// <summary>
/// `melm submit`: hands a whole augmentation run to a running cluster through its coordinator's
/// status endpoint, with the options of `melm augment`: a worker runs its preparation stages (the
/// filter's tagger, fine-tuning), then the workers share its rounds. Paths must name the same files
/// on every node (shared storage).
/// </summary>
public static class SubmitCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var options = new AugmentRunOptions();
        var url = UrlOption();
        var shardSize = new Option<int>("--shard-size") { Description = "Sentences per work item.", DefaultValueFactory = _ => LocalRun.DefaultShardSize };
        var runId = new Option<string?>("--run-id") { Description = "Name of the run (default: augment- and a hash of its settings, so the same submission names the same run)." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the run ends, showing its stage; exit code 1 when it stops without completing." };
        var command = new Command("submit", "Submit a whole augmentation run to a cluster (melm node): its stages (code-mixing, the filter's tagger, fine-tuning) on one worker, then R rounds of --method and the filter on all; print its status.");
        var endpoint = new EndpointArguments();
        foreach (var option in new Option[] { url, shardSize, runId, wait }.Concat(options.All))
            command.Options.Add(option);
        endpoint.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            using var client = endpoint.Connect(parseResult, parseResult.GetValue(url)!);
            var spec = options.Read(parseResult, parseResult.GetValue(shardSize), line => Console.WriteLine("note: " + line), parseResult.GetValue(runId));
            var status = client.SubmitAsync(spec).GetAwaiter().GetResult();
            Console.WriteLine($"run {status.RunId}: {status.Stage}, {status.Done}/{status.Total} items done");
            if (!parseResult.GetValue(wait))
                return 0;
            var lastStage = status.Stage;
            status = RunWatch.UntilStoppedAsync(
                async () => [(await client.StatusAsync().ConfigureAwait(false)).Runs.Single(r => r.RunId == spec.RunId).Status], 1, PollInterval,
                (statuses, _) =>
                {
                    if (statuses[0].Stage != lastStage)
                    {
                        Console.WriteLine($"run {statuses[0].RunId}: {statuses[0].Stage}");
                        lastStage = statuses[0].Stage;
                    }
                }).GetAwaiter().GetResult()[0];
            foreach (var note in status.Notes ?? [])
                Console.WriteLine($"  {note}");
            Console.WriteLine($"run {status.RunId}: {status.Stage}, {status.Done}/{status.Total} items done{(status.Error is null ? "" : "; " + status.Error)}");
            return status.Stage == RunStages.Completed ? 0 : Cli.Failed;
        }));
        return command;
    }

    /// <summary>The coordinator's status endpoint, shared by submit, status, resume and cancel.</summary>
    internal static Option<string> UrlOption() => new("--url")
    {
        Description = $"The coordinator's status endpoint (melm node --status-port).",
        DefaultValueFactory = _ => $"http://127.0.0.1:{NodeCommand.DefaultStatusPort}",
    };
}
