using System.Diagnostics;
using System.Text.Json;

namespace Melm.Models.Runs;

/// <summary>
/// Times the parts of a method's run and keeps the times in a file beside its outputs, so a run that
/// resumes after a crash still reports how long the parts it skipped took when they ran.
/// </summary>
internal sealed class StepClock
{
    private const string FileName = "seconds.json";
    private readonly string _path;
    private readonly Dictionary<string, double> _seconds;

    public StepClock(string folder)
    {
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, FileName);
        _seconds = File.Exists(_path)
            ? JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllBytes(_path)) ?? []
            : [];
    }

    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    /// <summary>
    /// Runs the part and records its time. A part with a recorded time finished in an earlier run: its
    /// body then only picks up what that run saved, and the recorded time stays.
    /// </summary>
    public T Time<T>(string part, Func<T> body)
    {
        if (_seconds.ContainsKey(part))
            return body();
        var clock = Stopwatch.StartNew();
        var result = body();
        _seconds[part] = Math.Round(clock.Elapsed.TotalSeconds, 1);
        File.WriteAllBytes(_path, JsonSerializer.SerializeToUtf8Bytes(_seconds));
        return result;
    }
}
