using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Queries;

/// <summary>
/// Where a run stands. Stage is one of RunStages; StagesDone are the stages its journal records as
/// completed, in order; Done, InFlight and Pending count work items and add up to Total once the
/// run has started. Step is the running stage's last progress report (null between stages and
/// during generation); Notes say how each finished stage went, in order.
/// </summary>
public sealed record RunStatus(
    string RunId, string Stage, IReadOnlyList<string> StagesDone, int Total, int Done, int InFlight, int Pending, IReadOnlyList<string> Files, string? Error,
    ProgressUpdate? Step = null, IReadOnlyList<string>? Notes = null) : IWithRunId;
