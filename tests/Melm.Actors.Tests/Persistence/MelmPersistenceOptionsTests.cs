using Melm.Actors.Persistence;
using Melm.Actors.Tests.Support;
using Melm.Models.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Melm.Actors.Tests.Persistence;

public sealed class MelmPersistenceOptionsTests
{
    /// <summary>The journal mode a SQLite file keeps, as a new connection reads it.</summary>
    internal static string JournalMode(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)command.ExecuteScalar()!;
    }

    [Fact]
    public void ASqliteJournalIsSwitchedToWriteAheadLoggingAndKeepsIt()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("journal.db");
        var options = MelmPersistenceOptions.SqliteFile(path);

        options.UseWriteAheadLog();
        Assert.Equal("wal", JournalMode(path));
        // A second node start on the same file finds it already in WAL mode.
        options.UseWriteAheadLog();
        Assert.Equal("wal", JournalMode(path));
    }

    [Fact]
    public void AFileThatIsNoDatabaseIsReportedWithTheJournalsPath()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("journal.db");
        File.WriteAllText(path, "these are not the bytes of a SQLite database, and there are enough of them to fill its header");

        var e = Assert.Throws<InputException>(() => MelmPersistenceOptions.SqliteFile(path).UseWriteAheadLog());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot open the journal", e.Message, StringComparison.Ordinal);
    }
}
