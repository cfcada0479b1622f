using System.Text;

namespace Melm.Models.Randomness;

/// <summary>
/// Derives the generator for one unit of work from (run seed, purpose, item id, round) with a fixed
/// mixing function, so a rerun, a retry on another node or a resume after a crash makes the same
/// draws whichever machine does the work.
/// </summary>
public static class SeedDerivation
{
    public static StableRandom For(ulong runSeed, string purpose, string itemId = "", int round = 0) =>
        new(Derive(runSeed, purpose, itemId, round));

    public static ulong Derive(ulong runSeed, string purpose, string itemId = "", int round = 0)
    {
        var state = runSeed;
        var h = StableRandom.SplitMix64(ref state);
        h = Mix(h, Fnv1a(purpose));
        h = Mix(h, Fnv1a(itemId));
        return Mix(h, unchecked((ulong)round));
    }

    private static ulong Mix(ulong h, ulong value)
    {
        var state = h ^ (value * 0x9E3779B97F4A7C15UL);
        return StableRandom.SplitMix64(ref state);
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }
}
