using Melm.Actors.Coordinator;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Protocol.Queries;

/// <summary>
/// Where a run stands. Stage is one of RunStages; StagesDone are the stages its journal records as
/// completed, in order; Done, InFlight and Pending count work items and add up to Total once the
/// run has started. Step is the running stage's last progress report (null between stages and
/// during generation); Notes say how each finished stage went, in order. Paused says why the run
/// waits for its journal and when it tries again (null while the journal works, and then left out of
/// JSON, so a status reads as it did before pauses were reported); the counts are then those last known.
/// </summary>
public sealed record RunStatus(
    string RunId, string Stage, IReadOnlyList<string> StagesDone, int Total, int Done, int InFlight, int Pending, IReadOnlyList<string> Files, string? Error,
    ProgressUpdate? Step = null, IReadOnlyList<string>? Notes = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Paused = null) : IWithRunId
{
    /// <summary>
    /// Completed, cancelled or failed, or stuck on an error (an output it cannot write) until resumed:
    /// nothing more happens without a command. A method, so it stays out of the status JSON.
    /// </summary>
    public bool HasStopped() =>
        Stage is RunStages.Completed or RunStages.Cancelled or RunStages.Failed || Error is not null;
}
