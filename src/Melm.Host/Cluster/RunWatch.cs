using Melm.Actors.Protocol.Queries;

namespace Melm.Host.Cluster;

/// <summary>
/// The one "poll until stopped, show the notes" loop: a local run (LocalRun), `melm submit --wait`
/// and `melm experiment --url` watch their runs through here and differ only in where the statuses
/// come from and what they draw of them.
/// </summary>
internal static class RunWatch
{
    /// <summary>
    /// Polls <paramref name="poll"/> (the statuses of the watched runs) every <paramref name="interval"/>
    /// and hands each answer, with the notes no earlier answer had, to <paramref name="seen"/>, until
    /// all <paramref name="count"/> runs have stopped; returns their last statuses.
    /// </summary>
    public static async Task<IReadOnlyList<RunStatus>> UntilStoppedAsync(
        Func<Task<IReadOnlyList<RunStatus>>> poll, int count, TimeSpan interval, Action<IReadOnlyList<RunStatus>, IReadOnlyList<string>> seen)
    {
        var notesShown = new Dictionary<string, int>(StringComparer.Ordinal);
        while (true)
        {
            var statuses = await poll().ConfigureAwait(false);
            var fresh = new List<string>();
            foreach (var status in statuses)
            {
                var notes = status.Notes ?? [];
                var shown = notesShown.GetValueOrDefault(status.RunId);
                fresh.AddRange(notes.Skip(shown));
                notesShown[status.RunId] = Math.Max(shown, notes.Count);
            }
            seen(statuses, fresh);
            if (statuses.Count == count && statuses.All(s => s.HasStopped()))
                return statuses;
            await Task.Delay(interval).ConfigureAwait(false);
        }
    }
}
