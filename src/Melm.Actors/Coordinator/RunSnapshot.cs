using Melm.Actors.Protocol;
using Melm.Actors.Protocol.Events;
using Melm.Models.Runs;

namespace Melm.Actors.Coordinator;

/// <summary>
/// The persisted part of a RunState; leases are not in it, so after recovery every item not completed
/// is pending again. PlannedSentenceIds are the ids a code-mix stage gave, when the run has one.
/// </summary>
public sealed record RunSnapshot(RunSpec? Spec, string Stage, IReadOnlyList<string> StagesDone, IReadOnlyList<ItemCompleted> Completed, IReadOnlyList<string> Files, string? Error, IReadOnlyList<string>? Notes = null, IReadOnlyList<string>? PlannedSentenceIds = null) : IMelmMessage;
