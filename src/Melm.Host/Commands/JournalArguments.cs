using System.CommandLine;
using Melm.Actors.Persistence;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>
/// `--postgres`, for the commands that open a run journal: a PostgreSQL server that replaces the
/// journal named by the node settings. MELM_POSTGRES gives the same without putting a password on
/// the command line (where other users of the machine can read it).
/// </summary>
internal sealed class JournalArguments
{
    public const string PostgresVariable = "MELM_POSTGRES";

    private readonly Option<string> _postgres = new("--postgres")
    {
        Description = $"Journal on this PostgreSQL server, an Npgsql connection string such as \"Host=db;Database=melm;Username=melm\" (default: ${PostgresVariable}). Tables are created on first use.",
    };

    public void AddTo(Command command) => command.Options.Add(_postgres);

    /// <summary>The PostgreSQL journal that --postgres or MELM_POSTGRES names, or null for neither.</summary>
    public MelmPersistenceOptions? Read(ParseResult parseResult)
    {
        var (value, source) = parseResult.GetValue(_postgres) is { } given
            ? (given, "--postgres")
            : (Environment.GetEnvironmentVariable(PostgresVariable), PostgresVariable);
        if (string.IsNullOrEmpty(value))
            return null;
        return MelmPersistenceOptions.PostgreSqlProblem(value) is { } problem
            ? throw new InputException(source, null, problem)
            : MelmPersistenceOptions.PostgreSql(value);
    }
}
