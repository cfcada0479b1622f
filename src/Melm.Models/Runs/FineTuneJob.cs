using Melm.Models.Augmentation;

namespace Melm.Models.Runs;

/// <summary>
/// The fine-tune stage: MELM fine-tuning of <paramref name="PretrainedFolder"/> on the run's
/// training sentences into the run's model folder (RunInputs.ModelFolder), resuming what a previous
/// attempt left there.
/// </summary>
/// <param name="DevFile">Picks the best epoch by dev loss; null keeps the last epoch.</param>
/// <param name="Languages">The run's languages for the language markers; empty takes them from the data.</param>
public sealed record FineTuneJob(string PretrainedFolder, string? DevFile, FineTuneOptions Options, IReadOnlyList<string> Languages)
{
    /// <summary>Records compare lists by reference; jobs are the same when their contents are.</summary>
    public bool Equals(FineTuneJob? other) =>
        other is not null && PretrainedFolder == other.PretrainedFolder && DevFile == other.DevFile && Options == other.Options
        && Languages.SequenceEqual(other.Languages, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(PretrainedFolder, DevFile, Options, Languages.Count);
}
