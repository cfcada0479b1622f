namespace Melm.Actors.Coordinator;

/// <summary>
/// Chooses the run a worker's request for work goes to: among the runs that are not finished and
/// have items waiting, the one served least recently (registration order breaks ties), so several
/// runs share the workers in turn instead of the oldest run taking them all.
/// </summary>
public sealed class RunScheduler
{
    private readonly List<string> _runs = [];
    private readonly Dictionary<string, (bool Finished, int Pending, long LastServed)> _state = new(StringComparer.Ordinal);
    private long _served;

    /// <summary>Adds a run in registration order; it counts as having work until it reports otherwise.</summary>
    public void Register(string runId)
    {
        if (_state.ContainsKey(runId))
            return;
        _runs.Add(runId);
        _state[runId] = (false, 1, 0);
    }

    /// <summary>What the run's coordinator last said: finished or not, and how many items wait in its queue.</summary>
    public void Update(string runId, bool finished, int pending)
    {
        if (_state.TryGetValue(runId, out var state))
            _state[runId] = (finished, pending, state.LastServed);
    }

    public bool IsFinished(string runId) => _state.TryGetValue(runId, out var state) && state.Finished;

    /// <summary>The runs not finished, in registration order.</summary>
    public IReadOnlyList<string> Active => [.. _runs.Where(r => !_state[r].Finished)];

    /// <summary>The run to serve next, marked as served now; null when no run has items waiting.</summary>
    public string? Next()
    {
        string? best = null;
        foreach (var runId in _runs)
        {
            var state = _state[runId];
            if (!state.Finished && state.Pending > 0 && (best is null || state.LastServed < _state[best].LastServed))
                best = runId;
        }
        if (best is not null)
            _state[best] = _state[best] with { LastServed = ++_served };
        return best;
    }
}
