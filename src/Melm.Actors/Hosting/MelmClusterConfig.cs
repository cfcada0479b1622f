using System.Text.Json;
using System.Text.Json.Serialization;
using Melm.Actors.Persistence;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Hosting;

/// <summary>
/// Reads a node's settings from a cluster-config JSON file (cluster-config/coordinator.json,
/// worker.json). A relative SQLite file is taken relative to the run root, so the journal lives
/// with the runs it records.
/// </summary>
public static class MelmClusterConfig
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public const string DefaultSqliteFile = "journal.db";

    public static MelmClusterOptions Load(string path, string runRoot)
    {
        NodeFile file;
        try
        {
            file = JsonSerializer.Deserialize<NodeFile>(File.ReadAllBytes(path), Options)
                ?? throw new InputException(path, null, "the file holds null, not a node configuration object");
        }
        catch (JsonException e)
        {
            throw new InputException(path, e.LineNumber is { } line ? (int)line + 1 : null, $"not a node configuration: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the file: {e.Message}");
        }
        return ToOptions(file, path, runRoot);
    }

    private static MelmClusterOptions ToOptions(NodeFile file, string path, string runRoot)
    {
        var problems = new List<string>();
        var roles = file.Roles ?? [MelmRoles.Coordinator, MelmRoles.Worker];
        foreach (var role in roles.Where(r => r is not (MelmRoles.Coordinator or MelmRoles.Worker)))
            problems.Add($"unknown role \"{role}\" (known: {MelmRoles.Coordinator}, {MelmRoles.Worker})");
        if (roles.Count == 0)
            problems.Add("\"roles\" is empty: a node is a coordinator, a worker or both");
        if (file.Port is < 0 or > 65535)
            problems.Add($"port {file.Port} is not between 0 and 65535");
        if (file.WorkerCapacity is < 1)
            problems.Add($"workerCapacity must be at least 1, got {file.WorkerCapacity}");
        foreach (var seed in file.SeedNodes ?? [])
        {
            if (!seed.StartsWith("akka.tcp://", StringComparison.Ordinal) || !seed.Contains('@', StringComparison.Ordinal))
                problems.Add($"seed node \"{seed}\" is not an address like akka.tcp://melm@127.0.0.1:4053");
        }
        var persistence = Persistence(file.Persistence, runRoot, problems);
        if (problems.Count > 0)
            throw new InputException(problems.Select(p => new InputProblem(path, null, p)).ToArray());
        var defaults = new MelmClusterOptions { Persistence = persistence! };
        return defaults with
        {
            SystemName = file.SystemName ?? defaults.SystemName,
            Hostname = file.Hostname ?? defaults.Hostname,
            Port = file.Port ?? defaults.Port,
            Roles = roles,
            SeedNodes = file.SeedNodes ?? [],
            Devices = file.Devices ?? defaults.Devices,
            WorkerCapacity = file.WorkerCapacity ?? defaults.WorkerCapacity,
        };
    }

    private static MelmPersistenceOptions? Persistence(PersistenceFile? file, string runRoot, List<string> problems)
    {
        switch (file?.Provider ?? "sqlite")
        {
            case "sqlite":
                if (file?.ConnectionString is not null)
                    problems.Add("persistence: give \"sqliteFile\" for SQLite, not \"connectionString\"");
                return MelmPersistenceOptions.SqliteFile(Path.Combine(runRoot, file?.SqliteFile ?? DefaultSqliteFile));
            case "postgresql":
                if (file?.SqliteFile is not null)
                    problems.Add("persistence: give \"connectionString\" for PostgreSQL, not \"sqliteFile\"");
                if (string.IsNullOrWhiteSpace(file?.ConnectionString))
                {
                    problems.Add("persistence: PostgreSQL needs a \"connectionString\"");
                    return null;
                }
                if (MelmPersistenceOptions.PostgreSqlProblem(file.ConnectionString) is { } problem)
                {
                    problems.Add("persistence: " + problem);
                    return null;
                }
                return MelmPersistenceOptions.PostgreSql(file.ConnectionString);
            case var other:
                problems.Add($"persistence: unknown provider \"{other}\" (known: sqlite, postgresql)");
                return null;
        }
    }

    private sealed record NodeFile(
        string? SystemName,
        string? Hostname,
        int? Port,
        IReadOnlyList<string>? Roles,
        IReadOnlyList<string>? SeedNodes,
        PersistenceFile? Persistence,
        IReadOnlyList<string>? Devices,
        int? WorkerCapacity);

    private sealed record PersistenceFile(string? Provider, string? SqliteFile, string? ConnectionString);
}
