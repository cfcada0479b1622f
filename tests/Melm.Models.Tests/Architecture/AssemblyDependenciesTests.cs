using Melm.Models.Nn;
using Melm.Models.Randomness;

namespace Melm.Models.Tests.Architecture;

public class AssemblyDependenciesTests
{
    private static readonly Lazy<AssemblyDependencies> Models = new(() => AssemblyDependencies.Read(typeof(StableRandom).Assembly, SharedFiles.Repository("")));
    private static readonly Lazy<AssemblyDependencies> Fixtures = new(() => AssemblyDependencies.Read(typeof(UsesInLambda).Assembly, SharedFiles.Repository("")));

    private static TypeName Name(Type type) => new(type.Assembly.GetName().Name!, type.Namespace!, type.FullName![(type.Namespace!.Length + 1)..]);

    [Fact]
    public void FindsACallOfAnotherTypeAndNamesTheSourceFile()
    {
        var seeds = Models.Value.Of(typeof(SeedDerivation));
        Assert.Contains(Name(typeof(StableRandom)), seeds.Uses);
        Assert.Equal("src/Melm.Models/Randomness/SeedDerivation.cs", seeds.File);
    }

    [Fact]
    public void FindsTorchSharpInTheNetworkAndNotInThePureGenerator()
    {
        Assert.Contains(new TypeName("TorchSharp", "TorchSharp", "torch+Tensor"), Models.Value.Of(typeof(RobertaModel)).Uses);
        Assert.DoesNotContain(Models.Value.Of(typeof(StableRandom)).Uses, t => t.Assembly == "TorchSharp");
    }

    [Theory]
    [InlineData(typeof(UsesInLambda))]
    [InlineData(typeof(UsesInAsyncMethod))]
    [InlineData(typeof(UsesInIterator))]
    [InlineData(typeof(UsesInGenericArgument))]
    public void AttributesCodeInCompilerGeneratedTypesAndGenericArgumentsToTheOuterType(Type fixture)
    {
        var uses = Fixtures.Value.Of(fixture);
        Assert.Contains(Name(typeof(StableRandom)), uses.Uses);
        Assert.DoesNotContain(Name(typeof(SeedDerivation)), uses.Uses);
        Assert.Equal("tests/Melm.Models.Tests/Architecture/DependencyFixtures.cs", uses.File);
    }

    [Fact]
    public void ReadsTheTokensAfterASwitch()
    {
        var uses = Fixtures.Value.Of(typeof(UsesAfterSwitch)).Uses;
        Assert.Contains(Name(typeof(SeedDerivation)), uses);
        Assert.DoesNotContain(Name(typeof(StableRandom)), uses);
    }

    [Fact]
    public void ListsOnlyTopLevelTypes() =>
        Assert.DoesNotContain(Fixtures.Value.Types, t => t.Type.Name.Contains('+', StringComparison.Ordinal));
}
