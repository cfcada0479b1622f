using Melm.Host.Cluster;
using Melm.Models.Diagnostics;
using Melm.Models.Tests;

namespace Melm.Host.Tests.Cluster;

public sealed class ApiTokenTests : IDisposable
{
    private const string Secret = "3f9c1d2e8a7b6c5d4e3f2a1b";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void OnlyTheSameTokenAsABearerHeaderIsAccepted()
    {
        var token = ApiToken.FromFile(_folder.Write("token", Secret + "\n"));

        Assert.Equal(Secret, token.Value);
        Assert.True(token.Accepts($"Bearer {Secret}"));
        Assert.True(token.Accepts($"bearer {Secret}"));
        Assert.False(token.Accepts(null));
        Assert.False(token.Accepts(""));
        Assert.False(token.Accepts($"Basic {Secret}"));
        Assert.False(token.Accepts(Secret));
        Assert.False(token.Accepts($"Bearer {Secret[..^1]}"));
        Assert.False(token.Accepts($"Bearer {Secret}0"));
        Assert.False(token.Accepts("Bearer 3f9c1d2e8a7b6c5d4e3f2a1c"));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" \n", "is empty")]
    [InlineData("3f9c1d2e8a7b6c5d4e3f2a1b\n3f9c1d2e8a7b6c5d4e3f2a1b\n", "more than one line")]
    [InlineData("3f9c1d2e 8a7b6c5d4e3f2a1b", "spaces or characters other than printable ASCII")]
    [InlineData("tooshort\n", "8 characters long, too short")]
    public void AnEmptyOrMalformedTokenFileIsAnErrorNamingTheFileAndNotTheToken(string content, string expected)
    {
        var path = _folder.Write("token", content);

        var problem = Assert.Single(Assert.Throws<InputException>(() => ApiToken.FromFile(path)).Problems);

        Assert.Equal(path, problem.Source);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tooshort", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("8a7b6c5d", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingTokenFileIsNamed()
    {
        var path = _folder.Combine("absent");
        var problem = Assert.Single(Assert.Throws<InputException>(() => ApiToken.FromFile(path)).Problems);
        Assert.Equal(path, problem.Source);
        Assert.Contains("cannot read the API token file", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEnvironmentVariableGivesTheTokenWhenSetAndIsCheckedLikeAFile()
    {
        Assert.Null(ApiToken.FromEnvironment(_ => null));
        Assert.Null(ApiToken.FromEnvironment(_ => ""));
        Assert.Equal(Secret, ApiToken.FromEnvironment(name => name == ApiToken.Variable ? Secret : null)!.Value);
        var problem = Assert.Single(Assert.Throws<InputException>(() => ApiToken.FromEnvironment(_ => "short")).Problems);
        Assert.Equal(ApiToken.Variable, problem.Source);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("localhost", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("coordinator", false)]
    [InlineData("*", false)]
    [InlineData("+", false)]
    public void OnlyLoopbackAddressesCountAsThisMachineOnly(string host, bool loopback) =>
        Assert.Equal(loopback, ApiToken.IsLoopback(host));
}
