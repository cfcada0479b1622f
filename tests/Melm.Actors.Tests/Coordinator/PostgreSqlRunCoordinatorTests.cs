using System.Data.Common;
using Melm.Actors.Persistence;
using Melm.Actors.Tests.Support;

namespace Melm.Actors.Tests.Coordinator;

/// <summary>
/// Every coordinator test again, journalling to PostgreSQL (a schema of its own per test, tables
/// created by the plugin): a restarted coordinator resumes from the server's events and snapshots.
/// Skips without MELM_TEST_POSTGRES; .ci/run sets it.
/// </summary>
public sealed class PostgreSqlRunCoordinatorTests(ITestOutputHelper output) : RunCoordinatorTests(output)
{
    private readonly TestPostgreSql _postgres = TestPostgreSql.Create();

    protected override MelmPersistenceOptions Store() => _postgres.Persistence;

    protected override DbConnection OpenStore() => _postgres.Open();

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        _postgres.Dispose();
    }
}
