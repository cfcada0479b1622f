using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Tests.Hosting;

public class MelmClusterConfigTests
{
    private static string Repository([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", ".."));

    [Fact]
    public void TheShippedRoleFilesLoad()
    {
        using var root = new TempFolder();
        var coordinator = MelmClusterConfig.Load(Path.Combine(Repository(), "cluster-config", "coordinator.json"), root.Path);
        var worker = MelmClusterConfig.Load(Path.Combine(Repository(), "cluster-config", "worker.json"), root.Path);
        var single = MelmClusterConfig.Load(Path.Combine(Repository(), "cluster-config", "single-node.json"), root.Path);

        Assert.Equal([MelmRoles.Coordinator], coordinator.Roles);
        Assert.Equal((4053, "127.0.0.1"), (coordinator.Port, coordinator.Hostname));
        Assert.Equal($"Data Source={root.Combine("journal.db")}", coordinator.Persistence.ConnectionString);
        Assert.Equal(coordinator.SeedNodes, worker.SeedNodes);
        Assert.Equal([MelmRoles.Worker], worker.Roles);
        Assert.Equal(["cpu"], worker.Devices);
        Assert.Equal((1, 1), (worker.WorkerCapacity, worker.WorkerPrefetch));
        Assert.True(single.HasRole(MelmRoles.Coordinator) && single.HasRole(MelmRoles.Worker));
        Assert.Empty(single.SeedNodes);
    }

    [Fact]
    public void TheComposeRoleFilesFindTheJournalAndTheSeedByServiceName()
    {
        using var root = new TempFolder();
        var environment = new Dictionary<string, string> { ["MELM_DB_PASSWORD"] = "s3cret;x" };
        var folder = Path.Combine(Repository(), "cluster-config", "compose");
        var coordinator = MelmClusterConfig.Load(Path.Combine(folder, "coordinator.json"), root.Path, environment.GetValueOrDefault);
        var worker = MelmClusterConfig.Load(Path.Combine(folder, "worker.json"), root.Path, environment.GetValueOrDefault);

        // docker-compose.yml names these services, and the seed is the coordinator's own address.
        Assert.Equal(["akka.tcp://melm@coordinator:4053"], coordinator.SeedNodes);
        Assert.Equal($"akka.tcp://{coordinator.SystemName}@{coordinator.Hostname}:{coordinator.Port}", coordinator.SeedNodes[0]);
        Assert.Equal(coordinator.SeedNodes, worker.SeedNodes);
        Assert.Equal((PersistenceProvider.PostgreSql, "postgres", "s3cret;x"), (coordinator.Persistence.Provider, Builder(coordinator).Host, Builder(coordinator).Password));
        Assert.Equal(["cuda:0"], worker.Devices);
        Assert.Equal((1, 1), (worker.WorkerCapacity, worker.WorkerPrefetch));

        var unset = Assert.Throws<InputException>(() => MelmClusterConfig.Load(Path.Combine(folder, "coordinator.json"), root.Path, _ => null));
        Assert.Contains("persistence.connectionString refers to ${MELM_DB_PASSWORD}, but that environment variable is not set", unset.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheComposeFileNamesRoleFilesThatExist()
    {
        // docker-compose.yml mounts cluster-config/ at /config; a renamed file would only fail when a node starts.
        var compose = File.ReadAllText(Path.Combine(Repository(), "docker-compose.yml"));
        var named = System.Text.RegularExpressions.Regex.Matches(compose, @"/config/([\w/.-]+\.json)").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Equal(["compose/coordinator.json", "compose/worker.json"], named.Order(StringComparer.Ordinal));
        Assert.All(named, file => Assert.True(File.Exists(Path.Combine(Repository(), "cluster-config", file)), $"docker-compose.yml names /config/{file}, which cluster-config/ lacks"));
        Assert.Contains("- ./cluster-config:/config:ro", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryComposeNodeIsCheckedOnTheEndpointItServes()
    {
        // The healthcheck (shared by every node through the x-melm-node anchor) asks 127.0.0.1:4080 in the
        // container: the coordinator serves it by default, a worker-only node only when given --status-port.
        var compose = File.ReadAllText(Path.Combine(Repository(), "docker-compose.yml"));
        Assert.Contains("""test: ["CMD", "melm", "health", "--url", "http://127.0.0.1:4080"]""", compose, StringComparison.Ordinal);
        var workers = compose.Split('\n').Where(l => l.Contains("/config/compose/worker.json", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, workers.Length);
        Assert.All(workers, command => Assert.Contains("\"--status-port\", \"4080\"", command, StringComparison.Ordinal));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(compose, @"coordinator:\s+condition: service_healthy"));
    }

    private static Npgsql.NpgsqlConnectionStringBuilder Builder(MelmClusterOptions options) => new(options.Persistence.ConnectionString);

    [Fact]
    public void AnApiTokenFileIsTakenRelativeToTheSettingsFileAndAnEmptyNameIsRefused()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.Combine("config"));
        var path = root.Combine("config", "node.json");
        File.WriteAllText(path, """{ "apiTokenFile": "secrets/api-token" }""");
        Assert.Equal(root.Combine("config", "secrets", "api-token"), MelmClusterConfig.Load(path, root.Path).ApiTokenFile);

        File.WriteAllText(path, """{ }""");
        Assert.Null(MelmClusterConfig.Load(path, root.Path).ApiTokenFile);

        File.WriteAllText(path, """{ "apiTokenFile": " " }""");
        var problem = Assert.Single(Assert.Throws<InputException>(() => MelmClusterConfig.Load(path, root.Path)).Problems);
        Assert.Equal(path, problem.Source);
        Assert.Contains("apiTokenFile is empty", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSqlTakesAConnectionString()
    {
        using var root = new TempFolder();
        var path = Path.Combine(root.Path, "node.json");
        File.WriteAllText(path, """{ "persistence": { "provider": "postgresql", "connectionString": "Host=127.0.0.1;Database=melm;Password=p\"w" } }""");
        var options = MelmClusterConfig.Load(path, root.Path);
        Assert.Equal((PersistenceProvider.PostgreSql, "Host=127.0.0.1;Database=melm;Password=p\"w"), (options.Persistence.Provider, options.Persistence.ConnectionString));
        Assert.Equal("Host=127.0.0.1;Database=melm;Password=p\"w", options.Persistence.ToConfig().GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Equal("PostgreSQL.15", options.Persistence.ToConfig().GetString("akka.persistence.snapshot-store.sql.provider-name"));
        Assert.True(options.Persistence.ToConfig().GetBoolean("akka.persistence.journal.sql.auto-initialize"));
        Assert.Equal("PostgreSQL Host=127.0.0.1;Database=melm", options.Persistence.ToString());
        Assert.DoesNotContain("p\"w", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedConnectionStringIsNamedWithoutRepeatingIt()
    {
        using var root = new TempFolder();
        var path = Path.Combine(root.Path, "node.json");
        File.WriteAllText(path, """{ "persistence": { "provider": "postgresql", "connectionString": "Hots=db;Password=hunter2", "sqliteFile": "j.db" } }""");
        var problems = Assert.Throws<InputException>(() => MelmClusterConfig.Load(path, root.Path)).Problems.Select(p => p.Message).ToArray();
        Assert.Equal(2, problems.Length);
        Assert.Contains(problems, p => p.Contains("not \"sqliteFile\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("persistence: not a PostgreSQL connection string", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemsAreCollectedAndNamed()
    {
        using var root = new TempFolder();
        var path = Path.Combine(root.Path, "node.json");
        File.WriteAllText(path, """{ "roles": ["boss"], "port": 70000, "workerCapacity": 0, "workerPrefetch": -1, "seedNodes": ["127.0.0.1:4053"], "persistence": { "provider": "postgresql" } }""");
        var problems = Assert.Throws<InputException>(() => MelmClusterConfig.Load(path, root.Path)).Problems.Select(p => p.Message).ToArray();
        Assert.Equal(6, problems.Length);
        Assert.Contains(problems, p => p.Contains("boss", StringComparison.Ordinal));
        Assert.Contains("workerPrefetch must be 0 or more, got -1", problems);
        Assert.Contains(problems, p => p.Contains("70000", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("connectionString", StringComparison.Ordinal));

        File.WriteAllText(path, """{ "rolez": [] }""");
        Assert.Contains("rolez", Assert.Throws<InputException>(() => MelmClusterConfig.Load(path, root.Path)).Message, StringComparison.Ordinal);
    }
}
