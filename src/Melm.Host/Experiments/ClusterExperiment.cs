using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Queries;
using Melm.Host.Cluster;
using Melm.Host.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Runs;
using Melm.Models.Diagnostics;

namespace Melm.Host.Experiments;

/// <summary>
/// `melm experiment --url`: the grid on a running cluster. Every cell becomes a job (an
/// experiment-cell run) that one worker runs whole, so cells spread over the cluster's devices; the
/// workers write the cell folders on shared storage exactly as the grid in one process does, and
/// this command waits, then reads the results and writes the same report. Run ids follow from the
/// settings, so the same command attaches to the runs it started before, and finished methods are
/// never run again.
/// </summary>
internal static class ClusterExperiment
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<CellResult> Run(ExperimentSettings settings, StatusClient client)
    {
        var cells = settings.Cells().ToArray();
        var multiCells = settings.MultilingualCells().ToArray();
        var prefix = "exp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(settings, ClusterJson.Options))))[..10];
        // A multilingual cell's job reads its first language's train split as the run's corpus (for the record and the checks every run gets).
        RunSpec[] specs =
        [
            .. cells.Select(cell => Spec(settings, cell.Language, cell.Name, cell.Name, settings.JobFor(cell), prefix)),
            .. multiCells.Select(cell => Spec(settings, settings.Multilingual!.Languages[0], cell.Name, cell.Name, settings.JobFor(cell), prefix)),
        ];
        if (settings.Oracle is not null)
        {
            // Figure 4's oracles first, one job per language, so that no two cells train the same one.
            Await(client, [.. settings.Languages.Select(language => Spec(settings, language, $"oracle-{language}", Path.Combine("oracle", language), settings.OracleJobFor(language), prefix))], "oracles");
        }
        Await(client, specs, "grid cells");
        return
        [
            .. cells.SelectMany(cell => settings.Methods.Select(method => Load(settings, cell.Name, AugmentationMethods.Name(method)))),
            .. multiCells.SelectMany(cell => settings.Multilingual!.Methods.Select(method => Load(settings, cell.Name, MultilingualMethods.Name(method)))),
        ];
    }

    /// <summary>Submits the runs (or attaches to them when they exist) and waits until all have stopped; throws when one did not complete.</summary>
    private static void Await(StatusClient client, RunSpec[] specs, string what)
    {
        foreach (var spec in specs)
        {
            var started = client.SubmitAsync(spec).GetAwaiter().GetResult();
            Console.WriteLine($"run {started.RunId}: {started.Stage}");
        }
        var ids = specs.Select(s => s.RunId).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<RunStatus> statuses;
        using (var progress = new ConsoleProgress())
        {
            statuses = RunWatch.UntilStoppedAsync(
                async () => [.. (await client.StatusAsync().ConfigureAwait(false)).Runs.Select(r => r.Status).Where(s => ids.Contains(s.RunId))], specs.Length, PollInterval,
                (now, notes) =>
                {
                    foreach (var note in notes)
                        Console.WriteLine(note);
                    progress.Report(new ProgressUpdate(what, now.Count(s => s.HasStopped()), specs.Length, "jobs"));
                }).GetAwaiter().GetResult();
        }
        var stopped = statuses.Where(s => s.Stage != RunStages.Completed).ToArray();
        if (stopped.Length > 0)
            throw new RunRequestException($"{what} that did not complete (fix the cause, then rerun this command or `melm resume RUN`): "
                + string.Join("; ", stopped.Select(s => $"{s.RunId} {s.Stage}: {s.Error ?? "cancelled"}")));
    }

    private static CellResult Load(ExperimentSettings settings, string cell, string method)
    {
        var folder = Path.Combine(settings.Out, cell, method);
        return CellResult.Load(folder) ?? throw new InvalidOperationException($"cell {cell} completed without {Path.Combine(folder, CellResult.FileName)}");
    }

    /// <summary>
    /// A cell's (or an oracle's) job: no sentences, one stage; its corpus and model are the cell's, for
    /// the record and the checks every run gets; <paramref name="folder"/> is relative to the grid's out.
    /// </summary>
    private static RunSpec Spec(ExperimentSettings settings, string language, string name, string folder, ExperimentCellJob job, string prefix) =>
        new($"{prefix}-{name}",
            new RunInputs(settings.Split(language, "train"), settings.Model, StageNames.ExperimentCell, null,
                new GenerationOptions(Rounds: settings.Rounds, Seed: unchecked((ulong)job.Seed))),
            ShardSize: 1,
            SentenceIds: [],
            Path.Combine(settings.Out, folder),
            new RunPreparation(Cell: job));
}
