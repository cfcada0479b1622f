namespace Melm.Models.Runs;

/// <summary>Names one work item of a run: a shard of sentences and a round (1-based).</summary>
public readonly record struct ItemKey(int Shard, int Round) : IComparable<ItemKey>
{
    /// <summary>Round first, so round 1 of every shard is handed out before round 2.</summary>
    public int CompareTo(ItemKey other) =>
        Round != other.Round ? Round.CompareTo(other.Round) : Shard.CompareTo(other.Shard);

    public static bool operator <(ItemKey left, ItemKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(ItemKey left, ItemKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(ItemKey left, ItemKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(ItemKey left, ItemKey right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"shard {Shard} round {Round}";
}
