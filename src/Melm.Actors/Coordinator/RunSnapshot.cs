using Melm.Actors.Protocol;
using Melm.Actors.Protocol.Events;
using Melm.Models.Runs;

namespace Melm.Actors.Coordinator;

/// <summary>
/// The persisted part of a RunState as snapshots held it before RunKeysSnapshot: with every completed
/// item's result. Still read (journals written before keep them); no longer written.
/// </summary>
public sealed record RunSnapshot(RunSpec? Spec, string Stage, IReadOnlyList<string> StagesDone, IReadOnlyList<ItemCompleted> Completed, IReadOnlyList<string> Files, string? Error, IReadOnlyList<string>? Notes = null, IReadOnlyList<string>? PlannedSentenceIds = null) : IMelmMessage;

/// <summary>
/// The persisted part of a RunState; leases are not in it, so after recovery every item not completed
/// is pending again. It holds the completed items' keys only, so its size does not grow with the
/// results: the output is written from the ItemCompleted events, which the journal keeps.
/// PlannedSentenceIds are the ids a code-mix stage gave, when the run has one.
/// </summary>
public sealed record RunKeysSnapshot(RunSpec? Spec, string Stage, IReadOnlyList<string> StagesDone, IReadOnlyList<ItemKey> Completed, IReadOnlyList<string> Files, string? Error, IReadOnlyList<string> Notes, IReadOnlyList<string>? PlannedSentenceIds) : IMelmMessage;
