using Melm.Actors.Persistence;
using Npgsql;

namespace Melm.Actors.Tests.Support;

/// <summary>
/// A schema of its own on the PostgreSQL server that MELM_TEST_POSTGRES names (.ci/run starts one on
/// 127.0.0.1 and sets it), dropped with everything in it on dispose. Without the variable the calling
/// test skips, saying so: developers without a server still run the rest.
/// </summary>
public sealed class TestPostgreSql : IDisposable
{
    public const string Variable = "MELM_TEST_POSTGRES";

    private readonly string _server;
    private readonly string _schema = "melm_test_" + Guid.NewGuid().ToString("N");

    private TestPostgreSql(string server)
    {
        _server = server;
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        Execute(connection, $"CREATE SCHEMA {_schema}");
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = _schema }.ConnectionString;
    }

    /// <summary>A fresh schema, or skips the calling test when no server is configured.</summary>
    public static TestPostgreSql Create()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
            Assert.Skip($"needs a PostgreSQL server: set {Variable} to its connection string (.ci/run starts one on 127.0.0.1)");
        return new TestPostgreSql(server);
    }

    /// <summary>The server's connection string with this schema first on the search path, where the journal creates its tables.</summary>
    public string ConnectionString { get; }

    public MelmPersistenceOptions Persistence => MelmPersistenceOptions.PostgreSql(ConnectionString);

    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        Execute(connection, $"DROP SCHEMA {_schema} CASCADE");
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
