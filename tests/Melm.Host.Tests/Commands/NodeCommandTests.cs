namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class NodeCommandTests
{
    [Fact]
    public void ABadJournalRoleOrPrefetchIsRefusedBeforeTheNodeStarts()
    {
        var (postgresCode, _, postgresError) = ConsoleCapture.Run("node", "--role", "worker", "--status-port", "0", "--postgres", "Hostess=db;Password=hunter2");
        var (roleCode, _, roleError) = ConsoleCapture.Run("node", "--role", "butler", "--status-port", "0");
        var (prefetchCode, _, prefetchError) = ConsoleCapture.Run("node", "--role", "worker", "--status-port", "0", "--prefetch", "-1");

        Assert.Equal(2, postgresCode);
        Assert.Contains("--postgres: not a PostgreSQL connection string", postgresError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", postgresError, StringComparison.Ordinal);
        Assert.Equal(2, roleCode);
        Assert.Contains("unknown role 'butler'", roleError, StringComparison.Ordinal);
        Assert.Equal(2, prefetchCode);
        Assert.Contains("--prefetch must be 0 or more, got -1", prefetchError, StringComparison.Ordinal);
    }
}
