using System.Data.Common;
using System.Text.Json;
using Akka.Configuration;
using Melm.Models.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Melm.Actors.Persistence;

/// <summary>
/// Where journals and snapshots live. Akka.Persistence.Sql creates its tables on first use. Its
/// Akka.Hosting package is not published at our Akka version, so the plugin is configured through
/// its own settings keys here.
/// </summary>
public sealed record MelmPersistenceOptions
{
    private MelmPersistenceOptions(PersistenceProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
    }

    public PersistenceProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A SQLite file, created with its folder when missing.</summary>
    public static MelmPersistenceOptions SqliteFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new MelmPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={full}");
    }

    /// <summary>A PostgreSQL server; throws ArgumentException with PostgreSqlProblem's message for a string that cannot be used.</summary>
    public static MelmPersistenceOptions PostgreSql(string connectionString) =>
        PostgreSqlProblem(connectionString) is { } problem
            ? throw new ArgumentException(problem, nameof(connectionString))
            : new MelmPersistenceOptions(PersistenceProvider.PostgreSql, connectionString);

    /// <summary>Why a PostgreSQL connection string cannot be used (without repeating it: it may hold a password), or null.</summary>
    public static string? PostgreSqlProblem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return "the PostgreSQL connection string is empty";
        try
        {
            return string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host)
                ? "the PostgreSQL connection string names no Host"
                : null;
        }
        catch (ArgumentException e)
        {
            return $"not a PostgreSQL connection string: {e.Message}";
        }
    }

    /// <summary>linq2db's provider name, which Akka.Persistence.Sql passes on.</summary>
    public string ProviderName => Provider switch
    {
        PersistenceProvider.Sqlite => "SQLite.MS",
        PersistenceProvider.PostgreSql => "PostgreSQL.15",
        _ => throw new InvalidOperationException($"unknown provider {Provider}"),
    };

    /// <summary>
    /// Opens and closes one connection, so that a server that cannot be reached is reported as such
    /// before an actor system starts retrying against it.
    /// </summary>
    public async Task CheckConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (Provider != PersistenceProvider.PostgreSql)
            return;
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            throw new InputException(ToString(), null, $"cannot connect to the journal's database: {e.Message}");
        }
    }

    /// <summary>
    /// Puts a SQLite journal into write-ahead-log mode, which the file keeps: a commit then appends to
    /// journal.db-wal and syncs it once, where the default rollback journal writes and syncs a journal
    /// file and the database for every persisted item. That was most of what the one-node pipeline
    /// cost over the direct loop (README, pipeline benchmark), and readers such as `melm runs` no
    /// longer block the node's writes. WAL needs a local disk, as SQLite always did here; clusters
    /// keep their journal in PostgreSQL, which needs nothing.
    /// </summary>
    public void UseWriteAheadLog()
    {
        if (Provider != PersistenceProvider.Sqlite)
            return;
        try
        {
            using var connection = new SqliteConnection(ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL";
            command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw new InputException(ToString(), null, $"cannot open the journal: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses, before an actor system recovers anything from it, a journal with entries this build
    /// cannot read (written by a newer Melm, or by something else): an InputException naming the
    /// journal and the entry's manifest. Reads only the distinct manifests of the Melm serializer's
    /// rows; a journal without tables yet (a new one) passes, and so does one that cannot be reached
    /// now: a coordinator waits for its journal (not ready) rather than exit, and the runs' recovery
    /// reports an entry it cannot read with the same message.
    /// </summary>
    public void CheckJournalFormat()
    {
        try
        {
            using var connection = Provider == PersistenceProvider.PostgreSql ? (DbConnection)new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
            connection.Open();
            foreach (var (table, serializer) in new[] { ("journal", "identifier"), ("snapshot", "serializer_id") })
            {
                if (!HasTable(connection, table))
                    continue;
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT DISTINCT manifest FROM {table} WHERE {serializer} = {MelmSerializer.Id}";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                    JournalContract.Require(reader.GetString(0), ToString());
            }
        }
        catch (JournalFormatException e)
        {
            throw new InputException(e.Journal, null, $"journal entry \"{e.Manifest}\" {e.Problem}");
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            // Unreachable or unreadable now: the health check and the recovery say so.
        }
    }

    private bool HasTable(DbConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Provider == PersistenceProvider.PostgreSql
            ? $"SELECT to_regclass('{table}') IS NOT NULL"
            : $"SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
        return Convert.ToBoolean(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

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

    /// <summary>The store in a few words, as a paused run's status names it: "PostgreSQL db:5432/melm", "SQLite /runs/journal.db".</summary>
    public string Name => Provider switch
    {
        PersistenceProvider.PostgreSql when new NpgsqlConnectionStringBuilder(ConnectionString) is var b => $"PostgreSQL {b.Host}:{b.Port}/{b.Database}",
        _ => "SQLite " + new SqliteConnectionStringBuilder(ConnectionString).DataSource,
    };

    /// <summary>The store for messages and logs, never with its password.</summary>
    public override string ToString() => Provider switch
    {
        PersistenceProvider.PostgreSql => "PostgreSQL " + new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString,
        _ => "SQLite " + ConnectionString,
    };
}
