namespace Melm.Actors.Protocol.Queries;

/// <summary>
/// Where a run stands. Stage is one of RunStages; StagesDone are the stages its journal records as
/// completed, in order; Done, InFlight and Pending count work items and add up to Total once the
/// run has started.
/// </summary>
public sealed record RunStatus(string RunId, string Stage, IReadOnlyList<string> StagesDone, int Total, int Done, int InFlight, int Pending, IReadOnlyList<string> Files, string? Error) : IWithRunId;
