using System.Globalization;

namespace Melm.Models.Diagnostics;

/// <summary>
/// Progress as people read it in a log: "pretrain 1,200/2,000 steps  5,721 tokens/s  ETA 0:02:10  loss
/// 6.45", numbers rounded to what they tell (three significant digits, thousands separated), never
/// "5721.2732".
/// </summary>
public static class ProgressText
{
    /// <summary>
    /// One line for <paramref name="update"/>. The rate counts the units done since
    /// <paramref name="doneAtStart"/> over <paramref name="elapsed"/> (the time they took); with no
    /// time or no units yet there is no rate and no ETA.
    /// </summary>
    public static string Describe(ProgressUpdate update, TimeSpan elapsed, long doneAtStart = 0)
    {
        var parts = new List<string> { $"{update.Stage} {Count(update.Done)}/{Count(update.Total)} {update.Unit}" };
        if (elapsed > TimeSpan.Zero && update.Done > doneAtStart)
        {
            var rate = (update.Done - doneAtStart) / elapsed.TotalSeconds;
            parts.Add($"{Number(rate)} {update.Unit}/s");
            if (update.Total > update.Done)
                parts.Add($"ETA {Duration(TimeSpan.FromSeconds((update.Total - update.Done) / rate))}");
        }
        parts.AddRange(update.Metrics.Select(m => $"{m.Key} {Number(m.Value)}"));
        return string.Join("  ", parts);
    }

    /// <summary>
    /// A figure rounded for reading: whole numbers from 100 up (thousands separated: "5,721"), three
    /// significant digits below ("57.2", "6.45", "0.213"), and "5e-5" style under 0.001, where
    /// learning rates live.
    /// </summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            return "n/a";
        var size = Math.Abs(value);
        return size switch
        {
            0 => "0",
            >= 99.95 => value.ToString("#,##0", CultureInfo.InvariantCulture),
            >= 9.995 => value.ToString("0.#", CultureInfo.InvariantCulture),
            >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
            >= 0.001 => value.ToString("G3", CultureInfo.InvariantCulture),
            _ => value.ToString("0.##e-0", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A count with thousands separated: "12,000".</summary>
    public static string Count(long value) => value.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>"H:MM:SS", hours unbounded (a long pretraining run's ETA can pass a day).</summary>
    public static string Duration(TimeSpan span)
    {
        if (span > TimeSpan.FromDays(365))
            return "more than a year";
        var seconds = (long)Math.Round(span.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }
}
