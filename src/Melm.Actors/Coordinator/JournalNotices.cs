using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Coordinator;

/// <summary>
/// A coordinator tells its runs manager that its journal failed (it stops right after), with its
/// run's status when it had one. Local only.
/// </summary>
public sealed record JournalFailed(string RunId, string Reason, RunStatus? Status);

/// <summary>
/// A coordinator's first successful write, or its recovery of a run that will write nothing more:
/// the journal works again. Local only.
/// </summary>
public sealed record JournalWorks(string RunId);
