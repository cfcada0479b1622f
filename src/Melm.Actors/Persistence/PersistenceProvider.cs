namespace Melm.Actors.Persistence;

public enum PersistenceProvider
{
    /// <summary>An embedded SQLite file, by default in the run folder: no server.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server every node can reach, for clusters.</summary>
    PostgreSql,
}
