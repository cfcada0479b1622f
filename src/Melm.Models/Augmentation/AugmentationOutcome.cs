namespace Melm.Models.Augmentation;

/// <summary>Every rewrite of a run, kept or dropped with a reason, each list in (source sentence, round) order.</summary>
public sealed record AugmentationOutcome(IReadOnlyList<Rewrite> Kept, IReadOnlyList<DroppedRewrite> Dropped)
{
    /// <summary>Every rewrite made, kept or not.</summary>
    public IEnumerable<Rewrite> Made => Kept.Concat(Dropped.Select(d => d.Rewrite));
}
