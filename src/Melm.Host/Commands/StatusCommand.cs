using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Melm.Host.Cluster;
using Spectre.Console;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>`melm status`: a running cluster's members and runs (stage, items, throughput per worker, ETA), from the coordinator's endpoint.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var url = SubmitCommand.UrlOption();
        var json = new Option<bool>("--json") { Description = "Print the endpoint's JSON instead of tables." };
        var command = new Command("status", "Show a running cluster: members and roles, each run's stage, items done / in flight / left, throughput per worker and ETA.");
        command.Options.Add(url);
        command.Options.Add(json);
        var endpoint = new EndpointArguments();
        endpoint.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            using var client = endpoint.Connect(parseResult, parseResult.GetValue(url)!);
            var report = client.StatusAsync().GetAwaiter().GetResult();
            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, ClusterJson.Options));
                return 0;
            }
            var console = ConsoleOutput.Create();
            var members = new Table().Title("members").AddColumns("address", "roles", "status", "reachable");
            foreach (var member in report.Members)
                members.AddRow(Markup.Escape(member.Address), string.Join(",", member.Roles), member.Status, member.Reachable ? "yes" : "NO");
            console.Write(members);
            var runs = new Table().Title("runs").AddColumn(new TableColumn("run").NoWrap()).AddColumns("stage", "done", "in flight", "left", "items/s", "ETA", "error");
            var workers = new Table().Title("workers").AddColumns("run", "worker", "done", "in flight", "items/s");
            foreach (var run in report.Runs)
            {
                var status = run.Status;
                runs.AddRow(
                    Markup.Escape(run.RunId), status.Stage, $"{status.Done}/{status.Total}", Number(status.InFlight), Number(status.Pending),
                    run.ItemsPerSecond.ToString("F2", CultureInfo.InvariantCulture),
                    run.EtaSeconds is { } eta ? TimeSpan.FromSeconds(Math.Ceiling(eta)).ToString("c", CultureInfo.InvariantCulture) : "-",
                    Markup.Escape(status.Error ?? ""));
                foreach (var worker in run.Workers)
                    workers.AddRow(Markup.Escape(run.RunId), Markup.Escape(worker.WorkerId), Number(worker.Done), Number(worker.InFlight), worker.ItemsPerSecond.ToString("F2", CultureInfo.InvariantCulture));
            }
            console.Write(runs);
            // In full below the table: the reason and the next retry would fold into a narrow column.
            foreach (var run in report.Runs.Where(r => r.Status.Paused is not null))
                Console.WriteLine($"run {run.RunId}: {run.Status.Paused}");
            var stages = new Table().Title("stages under way").AddColumns("run", "stage", "worker", "progress");
            foreach (var run in report.Runs.Where(r => r.StageWorker is not null))
                stages.AddRow(Markup.Escape(run.RunId), run.Status.Stage, Markup.Escape(run.StageWorker!), Markup.Escape(StepText(run.Status.Step)));
            if (stages.Rows.Count > 0)
                console.Write(stages);
            console.Write(workers);
            return 0;
        }));
        return command;
    }

    /// <summary>"fine-tune 12/40 steps, loss 1.23", or "-" before the stage's first report.</summary>
    private static string StepText(ProgressUpdate? step) =>
        step is null ? "-" :
            $"{step.Stage} {ProgressText.Count(step.Done)}/{ProgressText.Count(step.Total)} {step.Unit}{string.Concat(step.Metrics.Select(m => $", {m.Key} {ProgressText.Number(m.Value)}"))}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
