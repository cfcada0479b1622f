using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Melm.Host.Cluster;
using Melm.Models.Diagnostics;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>
/// `melm cluster show|leave|down`: the cluster's members as Akka.NET operators know them from
/// pbm (cluster show, leave, down), through the coordinator's endpoint. leave and down change the
/// cluster, so they need the API token like submit.
/// </summary>
public static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Show the cluster's members, or ask one to leave, or mark one down, through the coordinator's endpoint.");
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Change("leave", "Ask a member to leave gracefully: its workers' items go back to the queue at once, and the node stops.", down: false));
        command.Subcommands.Add(Change("down", "Mark a member down (one that cannot leave: crashed, frozen, cut off); its items go back to the queue and the cluster goes on without it.", down: true));
        return command;
    }

    private static Command Show()
    {
        var url = SubmitCommand.UrlOption();
        var json = new Option<bool>("--json") { Description = "Print the endpoint's JSON instead of tables." };
        var endpoint = new EndpointArguments();
        var command = new Command("show", "Members with roles, status and reachability, the leader, the node holding the runs manager, and each worker's devices and current items.");
        command.Options.Add(url);
        command.Options.Add(json);
        endpoint.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            using var client = endpoint.Connect(parseResult, parseResult.GetValue(url)!);
            var view = client.ClusterAsync().GetAwaiter().GetResult();
            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(view, ClusterJson.Options));
                return 0;
            }
            var console = ConsoleOutput.Create();
            var members = new Table().Title($"members (seen from {Markup.Escape(view.Node)})").AddColumn(new TableColumn("address").NoWrap())
                .AddColumns("roles", "status", "reachable", "leader", "runs manager");
            foreach (var member in view.Members)
            {
                members.AddRow(Markup.Escape(member.Address), string.Join(",", member.Roles), member.Status, member.Reachable ? "yes" : "NO",
                    member.Leader ? "yes" : "", member.RunsManager ? "yes" : "");
            }
            console.Write(members);
            var workers = new Table().Title("workers").AddColumn(new TableColumn("worker").NoWrap()).AddColumns("capacity", "running", "waiting", "done", "failed");
            foreach (var member in view.Members.Where(m => m.Roles.Contains("worker")))
            {
                if (member.WorkersError is { } error)
                    workers.AddRow(Markup.Escape(member.Address), "", Markup.Escape(error), "", "", "");
                foreach (var worker in member.Workers ?? [])
                {
                    var running = worker.RunningStage is { } stage ? $"stage {stage}" : worker.Running is { Count: > 0 } items ? string.Join("; ", items) : "-";
                    workers.AddRow(Markup.Escape(worker.WorkerId), Number(worker.Capacity), Markup.Escape(running), Number(worker.Waiting), Number(worker.Completed), Number(worker.Failed));
                }
            }
            console.Write(workers);
            if (view.RunsManager is null)
                console.MarkupLine("[yellow]no node answers as the runs manager: is a coordinator node Up?[/]");
            return 0;
        }));
        return command;
    }

    private static Command Change(string name, string description, bool down)
    {
        var address = new Argument<string>("address") { Description = "The member: akka.tcp://melm@HOST:PORT, or HOST:PORT (melm cluster show lists them)." };
        var url = SubmitCommand.UrlOption();
        var json = new Option<bool>("--json") { Description = "Print the endpoint's JSON answer." };
        var endpoint = new EndpointArguments();
        var command = new Command(name, description);
        command.Arguments.Add(address);
        command.Options.Add(url);
        command.Options.Add(json);
        endpoint.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            using var client = endpoint.Connect(parseResult, parseResult.GetValue(url)!);
            MemberAction action;
            try
            {
                action = client.ChangeMemberAsync(parseResult.GetValue(address)!, down).GetAwaiter().GetResult();
            }
            catch (UnknownMemberException e)
            {
                throw new InputException("address", null, e.Message);
            }
            Console.WriteLine(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(action, ClusterJson.Options)
                : down ? $"{action.Address}: marked down ({action.Status})" : $"{action.Address}: leaving ({action.Status}); its items go back to the queue and the node stops");
            return 0;
        }));
        return command;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
