namespace Melm.Models.Runs;

/// <summary>
/// One unit of work: rewrite the shard's sentences once, for the given round, from the run's
/// inputs. A processor derives every draw from (run seed, sentence id, round), so who runs it,
/// when, and how often never shows in the result.
/// </summary>
public sealed record WorkItem(string RunId, RunInputs Inputs, int Shard, int Round, IReadOnlyList<string> SentenceIds)
{
    public ItemKey Key => new(Shard, Round);

    public ulong Seed => Inputs.Generation.Seed;
}
