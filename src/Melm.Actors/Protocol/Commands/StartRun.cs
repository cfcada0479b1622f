using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>
/// Starts a run, or attaches to it when a run with the same spec already exists. Replied to with RunStatus.
/// </summary>
public sealed record StartRun(RunSpec Spec) : IWithRunId
{
    public string RunId => Spec.RunId;
}
