namespace Melm.Actors.Protocol.Commands;

/// <summary>
/// Continues a run once the cause of its stop is fixed: a failed run's items go back in the queue,
/// and an output that could not be written is written again. Replied to with RunStatus.
/// </summary>
public sealed record ResumeRun(string RunId) : IWithRunId;
