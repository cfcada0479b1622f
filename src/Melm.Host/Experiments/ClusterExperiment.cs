using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Queries;
using Melm.Host.Cluster;
using Melm.Host.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Runs;

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
        if (settings.Multilingual is not null)
            throw new Melm.Models.Diagnostics.InputException("--url", null, "the multilingual setting runs in one process for now: run it without --url, or remove it from the grid to spread the rest over the cluster");
        var cells = settings.Cells().ToArray();
        var prefix = "exp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(settings, ClusterJson.Options))))[..10];
        var specs = cells.Select(cell => Spec(settings, cell, $"{prefix}-{cell.Name}")).ToArray();
        foreach (var spec in specs)
        {
            var started = client.SubmitAsync(spec).GetAwaiter().GetResult();
            Console.WriteLine($"run {started.RunId}: {started.Stage}");
        }
        var ids = specs.Select(s => s.RunId).ToHashSet(StringComparer.Ordinal);
        var notesShown = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<RunStatus> statuses;
        using (var progress = new ConsoleProgress())
        {
            while (true)
            {
                statuses = [.. client.StatusAsync().GetAwaiter().GetResult().Runs.Select(r => r.Status).Where(s => ids.Contains(s.RunId))];
                foreach (var note in statuses.SelectMany(s => s.Notes ?? []).Where(notesShown.Add))
                    Console.WriteLine(note);
                progress.Report(new ProgressUpdate("grid cells", statuses.Count(s => s.HasStopped()), specs.Length, "cells"));
                if (statuses.Count == specs.Length && statuses.All(s => s.HasStopped()))
                    break;
                Thread.Sleep(PollInterval);
            }
        }
        var stopped = statuses.Where(s => s.Stage != RunStages.Completed).ToArray();
        if (stopped.Length > 0)
            throw new RunRequestException("cells that did not complete (fix the cause, then rerun this command or `melm resume RUN`): "
                + string.Join("; ", stopped.Select(s => $"{s.RunId} {s.Stage}: {s.Error ?? "cancelled"}")));
        return [.. cells.SelectMany(cell => settings.Methods.Select(method =>
        {
            var folder = Path.Combine(settings.Out, cell.Name, ExperimentMethods.Name(method));
            return CellResult.Load(folder) ?? throw new InvalidOperationException($"cell {cell} completed without {Path.Combine(folder, CellResult.FileName)}");
        }))];
    }

    /// <summary>A cell's job: no sentences, one stage; its corpus and model are the cell's, for the record and the checks every run gets.</summary>
    private static RunSpec Spec(ExperimentSettings settings, ExperimentCell cell, string runId) =>
        new(runId,
            new RunInputs(settings.Split(cell.Language, "train"), settings.Model, StageNames.ExperimentCell, null,
                new GenerationOptions(Rounds: settings.Rounds, Seed: unchecked((ulong)cell.Seed))),
            ShardSize: 1,
            SentenceIds: [],
            Path.Combine(settings.Out, cell.Name),
            new RunPreparation(Cell: settings.JobFor(cell)));
}
