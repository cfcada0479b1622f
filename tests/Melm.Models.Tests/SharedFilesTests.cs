namespace Melm.Models.Tests;

public class SharedFilesTests
{
    [Fact]
    public void MissingSharedMaterialSkipsWithItsName()
    {
        var e = Assert.ThrowsAny<Exception>(() => SharedFiles.Require("no/such/file.txt"));
        Assert.Contains("../shared/no/such/file.txt", e.Message, StringComparison.Ordinal);
    }
}
