using Melm.Models.Randomness;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// Dropout draws from torch's process-wide generator. Training reseeds it from the run's seed
/// derivation (run seed, purpose, item, round) so that a rerun or a resume repeats every mask; other
/// torch work drawing from it in the same process at the same time would still change them, so
/// trainings run one per process (and their tests in one non-parallel collection).
/// </summary>
public static class TorchRandom
{
    public static void Reseed(ulong runSeed, string purpose, string itemId = "", int round = 0)
    {
        var value = unchecked((long)SeedDerivation.Derive(runSeed, purpose, itemId, round));
        manual_seed(value);
        if (cuda.is_available())
            cuda.manual_seed_all(value);
    }
}
