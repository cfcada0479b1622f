using System.Text;
using System.Text.Json;
using Akka.Actor;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Queries;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;
using Microsoft.Data.Sqlite;

namespace Melm.Actors.Tests.Persistence;

/// <summary>
/// The checked-in journals (JournalFixture) read by this build: the runs, their results and the
/// output they give must be those of the run that wrote them. Each test reads a copy, since
/// opening a SQLite file can write to it.
/// </summary>
public sealed class JournalFixtureTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();

    /// <summary>A copy of the fixture's journal in the temp folder.</summary>
    private MelmPersistenceOptions Copy(string fixture)
    {
        File.Copy(Path.Combine(JournalFixture.Folder(fixture), JournalFixture.JournalFile), _folder.Combine(JournalFixture.JournalFile));
        return MelmPersistenceOptions.SqliteFile(_folder.Combine(JournalFixture.JournalFile));
    }

    private static string ExpectedStatus(string fixture) => File.ReadAllText(Path.Combine(JournalFixture.Folder(fixture), JournalFixture.StatusFile));

    private static string StatusText(IEnumerable<RunStatus> statuses) => JsonSerializer.Serialize(statuses, JournalFixture.StatusJson) + "\n";

    [Theory]
    [InlineData("v0")]
    [InlineData("v1")]
    public async Task TheJournalListsTheRunsAsTheBuildThatWroteIt(string fixture)
    {
        var statuses = await RunJournal.ReadAllAsync(Copy(fixture));
        Assert.Equal(ExpectedStatus(fixture), StatusText(statuses));
    }

    [Theory]
    [InlineData("v0")]
    [InlineData("v1")]
    public async Task TheJournalsResultsWriteTheSameOutputBytes(string fixture)
    {
        var persistence = Copy(fixture);
        var states = await RunJournal.ReadStatesAsync(persistence);
        var state = states.Single(s => s.RunId == JournalFixture.RunId);
        Assert.Equal(4, state.Completed.Count);
        // The spec's paths are relative to where the run ran: point them at the fixture's corpus and a fresh output folder.
        var spec = state.Planned! with
        {
            Inputs = state.Planned.Inputs with { CorpusFile = Path.Combine(JournalFixture.Folder(fixture), JournalFixture.CorpusFile) },
            OutputFolder = _folder.Combine("out"),
        };
        var system = RunJournal.CreateLocalSystem("melm-fixture-results", persistence);
        try
        {
            RunOutput.Write(spec, await RunJournal.ReadResultsAsync(system, JournalFixture.RunId));
        }
        finally
        {
            await system.Terminate();
        }
        foreach (var name in new[] { AugmentationOutput.AugmentedJsonLines, AugmentationOutput.SummaryFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(JournalFixture.Folder(fixture), name)), File.ReadAllBytes(Path.Combine(spec.OutputFolder, name)));
    }

    [Theory]
    [InlineData("v0")]
    [InlineData("v1")]
    public async Task TheRunsManagerAndCoordinatorsRecoverTheRunsFromEventsAndSnapshot(string fixture)
    {
        var system = RunJournal.CreateLocalSystem("melm-fixture-test", Copy(fixture));
        try
        {
            var manager = system.ActorOf(RunsManager.Props(CoordinatorSettings.Default), "runs");
            var list = await manager.Ask<RunList>(new ListRuns(), Timeout, TestContext.Current.CancellationToken);
            Assert.Equal([JournalFixture.RunId, JournalFixture.CancelledRunId], list.RunIds);
            var statuses = new List<RunStatus>();
            foreach (var runId in list.RunIds)
                statuses.Add(await manager.Ask<RunStatus>(new GetRunStatus(runId), Timeout, TestContext.Current.CancellationToken));
            Assert.Equal(ExpectedStatus(fixture), StatusText(statuses));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("v0", "RunSnapshot")]
    [InlineData("v1", "melm:run-snapshot:v1")]
    public async Task TheSnapshotReadsWithTheResultsItHeld(string fixture, string expectedManifest)
    {
        var persistence = Copy(fixture);
        using var connection = new SqliteConnection(persistence.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest, snapshot FROM snapshot";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var (manifest, bytes) = (reader.GetString(0), (byte[])reader.GetValue(1));
        Assert.Equal(expectedManifest, manifest);
        var system = ActorSystem.Create("fixture-snapshot-test");
        try
        {
            var snapshot = Assert.IsType<RunSnapshot>(new MelmSerializer((ExtendedActorSystem)system).FromBinary(bytes, manifest));
            Assert.Equal(RunStages.Generate, snapshot.Stage);
            Assert.Equal([RunStages.FilterTagger, RunStages.FineTune], snapshot.StagesDone);
            Assert.Equal(3, snapshot.Completed.Count);
            Assert.Equal(JournalFixture.RunId, snapshot.Spec!.RunId);
            Assert.Equal(7UL, snapshot.Spec.Seed);
        }
        finally
        {
            await system.Terminate();
        }
        Assert.False(reader.Read());
    }

    [Fact]
    public async Task AJournalWithAnEntryOfANewerFormatIsRefusedNamingTheJournalAndTheEntry()
    {
        var persistence = Copy("v0");
        using (var connection = new SqliteConnection(persistence.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal SET manifest = 'melm:run-started:v9' WHERE manifest = 'RunStarted'";
            Assert.Equal(2, command.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();
        var expected = $"{persistence}: journal entry \"melm:run-started:v9\" was written by a newer Melm (journal format version 9; this build reads versions 0 to {JournalContract.Version}); use that Melm or a newer one with this journal";
        // `melm runs`, and a coordinator node before it starts.
        Assert.Equal(expected, (await Assert.ThrowsAsync<InputException>(() => RunJournal.ReadAllAsync(persistence))).Message);
        Assert.Equal(expected, Assert.Throws<InputException>(persistence.CheckJournalFormat).Message);
    }

    [Theory]
    [InlineData("v0")]
    [InlineData("v1")]
    public void TheCheckedInJournalsAndANewOnePassTheFormatCheck(string fixture)
    {
        Copy(fixture).CheckJournalFormat();
        MelmPersistenceOptions.SqliteFile(_folder.Combine("new", JournalFixture.JournalFile)).CheckJournalFormat();
    }

    [Fact]
    public void ASnapshotOfAnUnknownKindFailsTheFormatCheckNamingIt()
    {
        var persistence = Copy("v1");
        using (var connection = new SqliteConnection(persistence.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE snapshot SET manifest = 'melm:run-checkpoint:v1'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var e = Assert.Throws<InputException>(persistence.CheckJournalFormat);
        Assert.StartsWith($"{persistence}: journal entry \"melm:run-checkpoint:v1\" is not one this build knows", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
