namespace Melm.Models.Evaluation;

/// <summary>
/// Mean and sample standard deviation (n - 1 in the denominator) of scores over seeds, as the
/// paper reports them; one score has no spread, so its deviation is NaN rather than a false 0.
/// </summary>
public sealed record ScoreSpread(int Count, double Mean, double StandardDeviation)
{
    public static ScoreSpread Of(IReadOnlyCollection<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
            throw new ArgumentException("no scores to summarise", nameof(scores));
        var mean = scores.Average();
        var deviation = scores.Count < 2 ? double.NaN : Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Count - 1));
        return new ScoreSpread(scores.Count, mean, deviation);
    }
}
