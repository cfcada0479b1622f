using System.CommandLine;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Host.Cluster;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>`melm node`: one cluster node (coordinator, worker or both) that runs until stopped.</summary>
public static class NodeCommand
{
    public const int DefaultStatusPort = 4080;

    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "Node settings (cluster-config/*.json); the options below override them." };
        var roles = new Option<string?>("--role") { Description = "coordinator, worker, or coordinator,worker." };
        var seeds = new Option<string?>("--seed-nodes") { Description = "Comma-separated seed addresses, for example akka.tcp://melm@127.0.0.1:4053." };
        var hostname = new Option<string?>("--hostname") { Description = "Address remoting binds to and announces (default 127.0.0.1)." };
        var port = new Option<int?>("--port") { Description = "Remoting port (a seed node needs the one its address names)." };
        var devices = new Option<string?>("--devices") { Description = "Comma-separated devices of a worker node, one model worker each (cpu, cuda:0, ...)." };
        var capacity = new Option<int?>("--capacity") { Description = "Items one worker runs at once." };
        var prefetch = new Option<int?>("--prefetch") { Description = "Items one worker holds beyond those it runs, so the next is there when one finishes (default 1; 0 asks only when idle)." };
        var root = new Option<DirectoryInfo?>("--run-root") { Description = "Folder of the SQLite journal (journal.db); default the current folder." };
        var statusHost = new Option<string>("--status-host") { Description = "Address of the node's endpoint.", DefaultValueFactory = _ => "127.0.0.1" };
        var statusPort = new Option<int?>("--status-port")
        {
            Description = $"Port of the node's endpoint (JSON over HTTP, or HTTPS with \"endpointTls\" in the settings): /healthz and /ready on every node, /status and the runs on a coordinator; 0 serves none (default: {DefaultStatusPort} on a coordinator, none on a worker-only node).",
        };
        var metricsHost = new Option<string?>("--metrics-host")
        {
            Description = "Address of GET /metrics (Prometheus text) when it has a --metrics-port of its own (default: --status-host); it changes nothing, so it needs no token, and 0.0.0.0 lets a Prometheus elsewhere scrape it.",
        };
        var metricsPort = new Option<int?>("--metrics-port")
        {
            Description = "Port of GET /metrics: default the endpoint's own port, shared with it; another port for a listener of its own (9464 is Prometheus' usual one for exporters); 0 serves none.",
        };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = $"File holding the API token the endpoint requires for submit, resume and cancel (default: the settings' apiTokenFile, then ${ApiToken.Variable}; none: the verbs are open)." };
        var insecure = new Option<bool>("--insecure") { Description = "Serve the endpoint on a non-loopback --status-host without an API token (only on a network you trust)." };
        var journal = new JournalArguments();
        var command = new Command("node", "Start a cluster node: coordinators own the runs (journalled), workers run their items. Logs are JSON lines on stdout; Ctrl+C leaves the cluster.");
        foreach (var option in new Option[] { config, roles, seeds, hostname, port, devices, capacity, prefetch, root, statusHost, statusPort, metricsHost, metricsPort, tokenFile, insecure })
            command.Options.Add(option);
        journal.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var runRoot = parseResult.GetValue(root)?.FullName ?? Directory.GetCurrentDirectory();
            var options = parseResult.GetValue(config) is { } file
                ? MelmClusterConfig.Load(file.FullName, runRoot)
                : new MelmClusterOptions { Persistence = MelmPersistenceOptions.SqliteFile(Path.Combine(runRoot, MelmClusterConfig.DefaultSqliteFile)) };
            options = options with
            {
                Roles = List(parseResult.GetValue(roles)) ?? options.Roles,
                SeedNodes = List(parseResult.GetValue(seeds)) ?? options.SeedNodes,
                Hostname = parseResult.GetValue(hostname) ?? options.Hostname,
                Port = parseResult.GetValue(port) ?? options.Port,
                Devices = List(parseResult.GetValue(devices)) ?? options.Devices,
                WorkerCapacity = parseResult.GetValue(capacity) ?? options.WorkerCapacity,
                WorkerPrefetch = parseResult.GetValue(prefetch) ?? options.WorkerPrefetch,
                Persistence = journal.Read(parseResult) ?? options.Persistence,
                ApiTokenFile = parseResult.GetValue(tokenFile)?.FullName ?? options.ApiTokenFile,
            };
            var problems = options.Roles.Where(r => r is not (MelmRoles.Coordinator or MelmRoles.Worker)).Select(r => $"unknown role '{r}' (expected coordinator, worker)").ToList();
            if (options.WorkerCapacity < 1)
                problems.Add($"--capacity must be at least 1, got {options.WorkerCapacity}");
            if (options.WorkerPrefetch < 0)
                problems.Add($"--prefetch must be 0 or more, got {options.WorkerPrefetch}");
            if (problems.Count > 0)
                throw new InputException([.. problems.Select(p => new InputProblem("--role/--capacity/--prefetch", null, p))]);
            var coordinator = options.HasRole(MelmRoles.Coordinator);
            var endpoint = new NodeEndpoint(parseResult.GetValue(statusHost)!, parseResult.GetValue(statusPort) ?? (coordinator ? DefaultStatusPort : 0));
            if (endpoint.Port is < 0 or > 65535)
                throw new InputException("--status-port", null, $"{endpoint.Port} is not a port (0 to 65535)");
            var metrics = (Host: parseResult.GetValue(metricsHost) ?? endpoint.Host, Port: parseResult.GetValue(metricsPort) ?? endpoint.Port);
            if (metrics.Port is < 0 or > 65535)
                throw new InputException("--metrics-port", null, $"{metrics.Port} is not a port (0 to 65535)");
            // One port is one listening socket: /metrics can share the endpoint's port only on the endpoint's address.
            if (metrics.Port > 0 && metrics.Port == endpoint.Port && metrics.Host != endpoint.Host)
                throw new InputException("--metrics-host", null, $"/metrics shares the endpoint's port {endpoint.Port}, so it listens on {endpoint.Host} too; give --metrics-port another port to serve it on {metrics.Host}");
            if (coordinator && endpoint.Port > 0)
                endpoint = endpoint with { Token = EndpointToken(options, endpoint.Host, parseResult.GetValue(insecure)) };
            // HTTPS with the certificate remoting presents; the settings loader has checked the file and its password.
            if (options.EndpointTls && endpoint.Port > 0)
                endpoint = endpoint with { Certificate = options.Tls!.LoadCertificate() };
            RunAsync(options, endpoint, metrics).GetAwaiter().GetResult();
            return 0;
        }));
        return command;
    }

    private static string[]? List(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The token the coordinator's endpoint requires, or null; refuses (exit code 2) to open the
    /// mutating verbs to other machines without one unless told --insecure.
    /// </summary>
    private static ApiToken? EndpointToken(MelmClusterOptions options, string statusHost, bool insecure)
    {
        var token = ApiToken.Resolve(options.ApiTokenFile);
        if (token is not null || ApiToken.IsLoopback(statusHost))
            return token;
        if (!insecure)
        {
            throw new InputException("--status-host", null,
                $"the status endpoint would listen on {statusHost}, reachable from other machines, without an API token, so anyone who reaches it could submit, resume and cancel runs; " +
                $"set {ApiToken.Variable}, give --token-file or \"apiTokenFile\" in the node settings, or pass --insecure on a network you trust");
        }
        Console.Error.WriteLine($"warning: --insecure: the status endpoint on {statusHost} takes submit, resume and cancel from anyone who reaches it");
        return null;
    }

    private static async Task RunAsync(MelmClusterOptions options, NodeEndpoint endpoint, (string Host, int Port) metricsAt)
    {
        await using var node = await MelmNode.StartAsync(options, ProcessorChoice.FromEnvironment(), jsonLogs: true, CancellationToken.None).ConfigureAwait(false);
        using var metrics = NodeMetrics.Start(scraped: metricsAt.Port > 0, Akka.Cluster.Cluster.Get(node.System).SelfAddress.ToString());
        StatusServer? server = null;
        if (endpoint.Port > 0 || metricsAt.Port > 0)
        {
            server = await StatusServer.StartAsync(node, endpoint.Port > 0 ? endpoint : null, servesRuns: options.HasRole(MelmRoles.Coordinator),
                metricsAt.Port > 0 ? new MetricsEndpoint(metrics!, metricsAt.Host, metricsAt.Port) : null).ConfigureAwait(false);
        }
        if (endpoint.Port > 0)
        {
            Console.Error.WriteLine(options.HasRole(MelmRoles.Coordinator)
                ? $"status endpoint: {endpoint.Url}status (health: {endpoint.Url}healthz, {endpoint.Url}ready)"
                : $"health endpoint: {endpoint.Url}healthz, {endpoint.Url}ready");
        }
        if (metricsAt.Port > 0 && metricsAt.Port != endpoint.Port)
            Console.Error.WriteLine($"metrics: http://{metricsAt.Host}:{metricsAt.Port}/metrics");
        try
        {
            await node.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // The server first: no scrape reaches the exporter once it is disposed (at the end of this method).
            if (server is not null)
                await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
