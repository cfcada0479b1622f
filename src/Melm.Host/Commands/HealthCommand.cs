using System.CommandLine;
using System.Text.Json;
using Melm.Host.Cluster;

namespace Melm.Host.Commands;

/// <summary>
/// `melm health`: asks a node's endpoint whether it is ready (or, with --live, alive), prints the
/// checks and exits 0 when it is, 1 when it is not or does not answer. The container images have
/// no curl, so docker-compose's healthchecks run this.
/// </summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var url = SubmitCommand.UrlOption();
        url.Description = "The node's endpoint (melm node --status-port).";
        var live = new Option<bool>("--live") { Description = "Liveness only (GET /healthz): the actor system runs and answers; default readiness (GET /ready): also joined the cluster as Up, journal or devices working." };
        var command = new Command("health", "Check that a node is ready (joined the cluster as Up; a coordinator's journal answers; a worker's devices hold a tensor) or, with --live, alive; exit code 0 when it is.")
        {
            url, live,
        };
        var endpoint = new EndpointArguments(sendsToken: false);
        endpoint.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            using var client = endpoint.Connect(parseResult, parseResult.GetValue(url)!);
            var (up, answer) = client.HealthAsync(readiness: !parseResult.GetValue(live)).GetAwaiter().GetResult();
            Console.WriteLine(JsonSerializer.Serialize(answer, ClusterJson.Options));
            return up ? 0 : Cli.Failed;
        }));
        return command;
    }
}
