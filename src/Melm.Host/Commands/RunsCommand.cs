using System.CommandLine;
using System.Text.Json;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Queries;
using Melm.Host.Cluster;
using Melm.Models.Diagnostics;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>`melm runs`: the runs recorded in a journal, with their stage and progress, read without starting them.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var root = new Option<DirectoryInfo>("--run-root") { Description = "Folder whose journal.db records the runs (default: the current folder)." };
        var config = new Option<FileInfo>("--config") { Description = "Node settings (cluster-config/*.json) naming the journal, for example a PostgreSQL server." };
        var journal = new JournalArguments();
        var json = new Option<bool>("--json") { Description = "Print the runs as JSON instead of a table." };
        var command = new Command("runs", "List the runs in a journal: stage, work items done of total, items left, and the last error.");
        command.Options.Add(root);
        command.Options.Add(config);
        journal.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var folder = parseResult.GetValue(root)?.FullName ?? Directory.GetCurrentDirectory();
            if (!Directory.Exists(folder))
                throw new InputException(folder, null, "no such folder");
            MelmPersistenceOptions persistence;
            if (journal.Read(parseResult) is { } postgres)
            {
                persistence = postgres;
            }
            else if (parseResult.GetValue(config) is { } file)
            {
                persistence = MelmClusterConfig.Load(file.FullName, folder).Persistence;
            }
            else
            {
                var sqlite = Path.Combine(folder, MelmClusterConfig.DefaultSqliteFile);
                if (!File.Exists(sqlite))
                {
                    Console.WriteLine(parseResult.GetValue(json) ? "[]" : $"no runs in {folder} (no {MelmClusterConfig.DefaultSqliteFile})");
                    return 0;
                }
                persistence = MelmPersistenceOptions.SqliteFile(sqlite);
            }
            persistence.CheckConnectionAsync().GetAwaiter().GetResult();
            var runs = RunJournal.ReadAllAsync(persistence).GetAwaiter().GetResult();
            if (parseResult.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(runs, ClusterJson.Options));
            else
            {
                var console = ConsoleOutput.Create();
                console.Write(Table(runs));
                // How each stage went (epochs kept, dev scores, sentences code-mixed), one line each.
                foreach (var run in runs)
                {
                    foreach (var note in run.Notes ?? [])
                        console.WriteLine($"{run.RunId}: {note}");
                }
            }
            return 0;
        }));
        return command;
    }

    private static Table Table(IReadOnlyList<RunStatus> runs)
    {
        // Leases live only in a running coordinator, so the journal shows items done and left.
        var table = new Table().AddColumns("run", "stage", "stages done", "items done", "left", "error");
        foreach (var run in runs)
        {
            table.AddRow(
                Markup.Escape(run.RunId),
                run.Stage,
                string.Join(", ", run.StagesDone),
                $"{run.Done}/{run.Total}",
                run.Pending.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(run.Error ?? ""));
        }
        return table;
    }
}
