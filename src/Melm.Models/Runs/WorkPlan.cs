namespace Melm.Models.Runs;

/// <summary>Cuts a run into work items: shards of ShardSize sentences in corpus order, times rounds 1..R.</summary>
public static class WorkPlan
{
    /// <summary>Every item of the run, ordered by ItemKey (round, then shard).</summary>
    public static IReadOnlyList<WorkItem> Items(RunSpec spec)
    {
        var items = new List<WorkItem>(spec.ItemCount);
        for (var round = 1; round <= spec.Rounds; round++)
        {
            for (var shard = 0; shard < spec.ShardCount; shard++)
                items.Add(Item(spec, new ItemKey(shard, round)));
        }
        return items;
    }

    public static WorkItem Item(RunSpec spec, ItemKey key)
    {
        if (key.Shard < 0 || key.Shard >= spec.ShardCount || key.Round < 1 || key.Round > spec.Rounds)
            throw new ArgumentOutOfRangeException(nameof(key), key, $"run {spec.RunId} has {spec.ShardCount} shards and {spec.Rounds} rounds");
        var ids = spec.SentenceIds.Skip(key.Shard * spec.ShardSize).Take(spec.ShardSize).ToArray();
        return new WorkItem(spec.RunId, spec.Inputs, key.Shard, key.Round, ids);
    }
}
