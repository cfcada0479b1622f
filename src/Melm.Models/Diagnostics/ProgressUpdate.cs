namespace Melm.Models.Diagnostics;

/// <summary>
/// Where long work stands: a stage, how many units are done of how many, and the stage's running
/// figures (loss, tokens/s, dev F1...). Models report these through IProgress; the command line
/// draws them as a bar with rate and ETA, the actors forward them to the status endpoint.
/// </summary>
/// <param name="Stage">What is running, for example "pretrain" or "generate round 2".</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all.</param>
/// <param name="Unit">What a unit is ("steps", "sentences").</param>
/// <param name="Metrics">Named figures, printed in the given order.</param>
public sealed record ProgressUpdate(string Stage, long Done, long Total, string Unit, IReadOnlyList<KeyValuePair<string, double>> Metrics)
{
    /// <summary>JSON (the status endpoint, the actors' messages) reads through this one; Metrics is set after it.</summary>
    [System.Text.Json.Serialization.JsonConstructor]
    public ProgressUpdate(string stage, long done, long total, string unit)
        : this(stage, done, total, unit, [])
    {
    }
}
