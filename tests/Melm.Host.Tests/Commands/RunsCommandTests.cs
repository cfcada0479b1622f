using System.Text.Json;
using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Tests.Support;
using Melm.Models.Augmentation;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class RunsCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Records two runs in root/journal.db (or the given journal) through the runs manager: one started, one cancelled.</summary>
    private static async Task RecordRunsAsync(string root, MelmPersistenceOptions? journal = null)
    {
        var system = RunJournal.CreateLocalSystem("runs-test", journal ?? MelmPersistenceOptions.SqliteFile(Path.Combine(root, "journal.db")));
        try
        {
            var runs = system.ActorOf(RunsManager.Props(CoordinatorSettings.Default));
            var inputs = new RunInputs(Path.Combine(root, "corpus.txt"), Path.Combine(root, "model"), "melm", null, new GenerationOptions(Rounds: 2));
            var spec = new RunSpec("first", inputs, ShardSize: 2, ["a", "b", "c"], Path.Combine(root, "first"));
            await runs.Ask<RunStatus>(new StartRun(spec), Timeout, TestContext.Current.CancellationToken);
            await runs.Ask<RunStatus>(new StartRun(spec with { RunId = "second" }), Timeout, TestContext.Current.CancellationToken);
            await runs.Ask<RunStatus>(new CancelRun("second"), Timeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task ListsEveryRunOfTheJournalWithItsStageAndProgress()
    {
        using var root = new TempFolder();
        await RecordRunsAsync(root.Path);

        var (code, output, _) = ConsoleCapture.Run("runs", "--run-root", root.Path, "--json");

        Assert.Equal(0, code);
        var runs = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["first", "second"], runs.Select(r => r.GetProperty("run_id").GetString()!).ToArray());
        Assert.Equal(["generate", "cancelled"], runs.Select(r => r.GetProperty("stage").GetString()!).ToArray());
        Assert.Equal((4, 0), (runs[0].GetProperty("total").GetInt32(), runs[0].GetProperty("done").GetInt32()));

        var (tableCode, table, _) = ConsoleCapture.Run("runs", "--run-root", root.Path);
        Assert.Equal(0, tableCode);
        Assert.Contains("0/4", table, StringComparison.Ordinal);
        Assert.Contains("cancelled", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJournalOfANewerMelmIsRefusedNamingTheJournalAndTheEntry()
    {
        using var root = new TempFolder();
        await RecordRunsAsync(root.Path);
        var journal = Path.Combine(root.Path, "journal.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal SET manifest = 'melm:run-cancelled:v2' WHERE manifest = 'melm:run-cancelled:v1'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var expected = $"journal entry \"melm:run-cancelled:v2\" was written by a newer Melm (journal format version 2; this build reads versions 0 to {JournalContract.Version})";

        var (code, _, errors) = ConsoleCapture.Run("runs", "--run-root", root.Path);
        Assert.Equal(2, code);
        Assert.Contains(journal, errors, StringComparison.Ordinal);
        Assert.Contains(expected, errors, StringComparison.Ordinal);

        // A node on the journal stops before it starts (here the one-node cluster of `melm resume`).
        var (resumeCode, _, resumeErrors) = ConsoleCapture.Run("resume", "first", "--run-root", root.Path);
        Assert.Equal(2, resumeCode);
        Assert.Contains(expected, resumeErrors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelStopsARunInTheJournalAndNamesAnUnknownOne()
    {
        using var root = new TempFolder();
        await RecordRunsAsync(root.Path);

        var (code, output, error) = ConsoleCapture.Run("cancel", "first", "--run-root", root.Path);
        var (unknownCode, _, unknownError) = ConsoleCapture.Run("cancel", "third", "--run-root", root.Path);
        var (bothCode, _, bothError) = ConsoleCapture.Run("cancel", "first", "--run-root", root.Path, "--url", "http://127.0.0.1:1");

        Assert.True(code == 0, error);
        Assert.Contains("run first: cancelled, 0/4 items done", output, StringComparison.Ordinal);
        var (_, json, _) = ConsoleCapture.Run("runs", "--run-root", root.Path, "--json");
        Assert.Equal(["cancelled", "cancelled"], JsonDocument.Parse(json).RootElement.EnumerateArray().Select(r => r.GetProperty("stage").GetString()!).ToArray());
        Assert.Equal(2, unknownCode);
        Assert.Contains("no run named third", unknownError, StringComparison.Ordinal);
        Assert.Equal(2, bothCode);
        Assert.Contains("give either --url", bothError, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderWithoutAJournalHasNoRunsAndAMissingFolderIsBadInput()
    {
        using var root = new TempFolder();
        var (code, output, _) = ConsoleCapture.Run("runs", "--run-root", root.Path);
        Assert.Equal(0, code);
        Assert.Contains("no runs", output, StringComparison.Ordinal);
        Assert.False(File.Exists(root.Combine("journal.db")));

        var (missing, _, error) = ConsoleCapture.Run("runs", "--run-root", root.Combine("nowhere"));
        Assert.Equal(2, missing);
        Assert.Contains("no such folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListsTheRunsOfAPostgreSqlJournal()
    {
        using var postgres = TestPostgreSql.Create();
        using var root = new TempFolder();
        var (emptyCode, empty, _) = ConsoleCapture.Run("runs", "--postgres", postgres.ConnectionString, "--json");
        await RecordRunsAsync(root.Path, postgres.Persistence);

        var (code, output, _) = ConsoleCapture.Run("runs", "--postgres", postgres.ConnectionString, "--json");

        Assert.Equal((0, "[]"), (emptyCode, empty.Trim()));
        Assert.Equal(0, code);
        var runs = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["first", "second"], runs.Select(r => r.GetProperty("run_id").GetString()!).ToArray());
        Assert.Equal(["generate", "cancelled"], runs.Select(r => r.GetProperty("stage").GetString()!).ToArray());
        Assert.False(File.Exists(root.Combine("journal.db")));
    }

    [Fact]
    public void AMalformedOrUnreachablePostgreSqlIsBadInputAndItsPasswordIsNotShown()
    {
        var (malformed, _, malformedError) = ConsoleCapture.Run("runs", "--postgres", "Hostess=db;Password=hunter2");
        var (unreachable, _, unreachableError) = ConsoleCapture.Run("runs", "--postgres", "Host=127.0.0.1;Port=1;Timeout=5;Password=hunter2");

        Assert.Equal((2, 2), (malformed, unreachable));
        Assert.Contains("--postgres: not a PostgreSQL connection string", malformedError, StringComparison.Ordinal);
        Assert.Contains("cannot connect to the journal's database", unreachableError, StringComparison.Ordinal);
        Assert.Contains("Host=127.0.0.1;Port=1", unreachableError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", malformedError + unreachableError, StringComparison.Ordinal);
    }
}
