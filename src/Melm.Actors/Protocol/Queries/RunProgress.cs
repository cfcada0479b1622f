namespace Melm.Actors.Protocol.Queries;

/// <summary>
/// A run's status as its coordinator sees it now: items per worker since the coordinator started,
/// and the seconds left at the current rate (null while nothing is measured or nothing is left);
/// StageWorker is the worker running the current preparation stage, if any.
/// </summary>
public sealed record RunProgress(RunStatus Status, IReadOnlyList<WorkerProgress> Workers, double ItemsPerSecond, double? EtaSeconds, string? StageWorker = null) : IWithRunId
{
    public string RunId => Status.RunId;
}
