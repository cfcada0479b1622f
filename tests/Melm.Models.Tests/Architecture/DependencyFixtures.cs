using Melm.Models.Randomness;

namespace Melm.Models.Tests.Architecture;

// Types that AssemblyDependenciesTests read back from this assembly's metadata: each refers to a
// Melm.Models type in one kind of place only, where its signatures do not show it.

internal static class UsesInLambda
{
    public static Func<ulong, ulong> Next() => seed => new StableRandom(seed).NextUInt64();
}

internal static class UsesInAsyncMethod
{
    public static async Task<int> Draw(ulong seed)
    {
        await Task.Yield();
        return new StableRandom(seed).NextInt(6);
    }
}

internal static class UsesInIterator
{
    public static IEnumerable<int> Draws(ulong seed)
    {
        var rng = new StableRandom(seed);
        for (var i = 0; i < 3; i++)
            yield return rng.NextInt(6);
    }
}

internal static class UsesInGenericArgument
{
    public static int Count(object value) => value is List<StableRandom> list ? list.Count : 0;
}

internal static class UsesAfterSwitch
{
    public static ulong Seed(int kind)
    {
        string purpose;
        switch (kind)
        {
            case 0: purpose = "mask"; break;
            case 1: purpose = "pick"; break;
            case 2: purpose = "swap"; break;
            case 3: purpose = "fill"; break;
            default: purpose = "none"; break;
        }
        return SeedDerivation.Derive(1, purpose);
    }
}
