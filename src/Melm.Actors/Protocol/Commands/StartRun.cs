using Melm.Actors.Protocol.Events;
using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>
/// Starts a run, or attaches to it when a run with the same spec already exists. Prepared lists the
/// stages the submitter ran before the items (fine-tune, the filter's tagger), recorded as the new
/// run's first events. Replied to with RunStatus.
/// </summary>
public sealed record StartRun(RunSpec Spec, IReadOnlyList<StageCompleted>? Prepared = null) : IWithRunId
{
    public string RunId => Spec.RunId;
}
