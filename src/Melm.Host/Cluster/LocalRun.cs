using Melm.Actors.Coordinator;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Queries;
using Melm.Host.Commands;
using Melm.Models.Diagnostics;

namespace Melm.Host.Cluster;

/// <summary>
/// One run on a one-node cluster (coordinator and worker in this process, journal.db in the run
/// root): the same actors as a distributed run. Draws the run's progress (each preparation stage's
/// bar and how it went, then the items) and returns when it ends or stops on an error.
/// </summary>
internal static class LocalRun
{
    /// <summary>Sentences per work item when the command line does not say.</summary>
    public const int DefaultShardSize = 16;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs `request` (StartRun or ResumeRun) to its end on device; a run that stops without completing throws RunRequestException.</summary>
    public static RunStatus Run(string runRoot, string device, object request)
    {
        var options = new MelmClusterOptions
        {
            Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(runRoot, MelmClusterConfig.DefaultSqliteFile)),
            Devices = [device],
            WorkerPollInterval = TimeSpan.FromMilliseconds(100),
            LogLevel = "WARNING",
        };
        return RunAsync(options, request).GetAwaiter().GetResult();
    }

    private static async Task<RunStatus> RunAsync(MelmClusterOptions options, object request)
    {
        await using var node = await MelmNode.StartAsync(options, ProcessorChoice.FromEnvironment(), jsonLogs: false, CancellationToken.None).ConfigureAwait(false);
        var runId = (await node.AskAsync(request, CancellationToken.None).ConfigureAwait(false)).RunId;
        var progress = new ConsoleProgress();
        RunStatus status;
        try
        {
            var last = await RunWatch.UntilStoppedAsync(
                async () => [await node.AskAsync(new GetRunStatus(runId), CancellationToken.None).ConfigureAwait(false)], 1, PollInterval,
                (statuses, notes) =>
                {
                    // A finished stage closes its bar and prints how it went, then the next stage draws its own.
                    if (notes.Count > 0)
                    {
                        progress.Dispose();
                        foreach (var note in notes)
                            Console.WriteLine(note);
                        progress = new ConsoleProgress();
                    }
                    var now = statuses[0];
                    if (now.Step is { } step)
                        progress.Report(step);
                    else if (now.Stage is RunStages.Generate or RunStages.Write or RunStages.Writing or RunStages.Completed)
                        progress.Report(new ProgressUpdate("rewrite+filter", now.Done, now.Total, "items"));
                }).ConfigureAwait(false);
            status = last[0];
        }
        finally
        {
            progress.Dispose();
        }
        return status.Stage == RunStages.Completed
            ? status
            : throw new RunRequestException($"run {status.RunId} stopped at stage {status.Stage}: {status.Error ?? "cancelled"}; once fixed, continue it with `melm resume {status.RunId} --run-root <folder of journal.db>`");
    }
}
