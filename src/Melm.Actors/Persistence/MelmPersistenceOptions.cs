using System.Text.Json;
using Akka.Configuration;

namespace Melm.Actors.Persistence;

/// <summary>
/// Where journals and snapshots live. Akka.Persistence.Sql creates its tables on first use. Its
/// Akka.Hosting package is not published at our Akka version, so the plugin is configured through
/// its own settings keys here.
/// </summary>
public sealed record MelmPersistenceOptions(PersistenceProvider Provider, string ConnectionString)
{
    /// <summary>A SQLite file, created with its folder when missing.</summary>
    public static MelmPersistenceOptions SqliteFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new MelmPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={full}");
    }

    public static MelmPersistenceOptions PostgreSql(string connectionString) => new(PersistenceProvider.PostgreSql, connectionString);

    /// <summary>linq2db's provider name, which Akka.Persistence.Sql passes on.</summary>
    public string ProviderName => Provider switch
    {
        PersistenceProvider.Sqlite => "SQLite.MS",
        PersistenceProvider.PostgreSql => "PostgreSQL.15",
        _ => throw new InvalidOperationException($"unknown provider {Provider}"),
    };

    public Config ToConfig()
    {
        // JSON string literals are valid HOCON quoted strings, so any connection string survives.
        var connection = JsonSerializer.Serialize(ConnectionString);
        var provider = JsonSerializer.Serialize(ProviderName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql { connection-string = {{connection}}, provider-name = {{provider}}, auto-initialize = on }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql { connection-string = {{connection}}, provider-name = {{provider}}, auto-initialize = on }
              }
              query.journal.sql { connection-string = {{connection}}, provider-name = {{provider}} }
            }
            """);
    }
}
