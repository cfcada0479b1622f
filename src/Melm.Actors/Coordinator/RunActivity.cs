namespace Melm.Actors.Coordinator;

/// <summary>
/// A coordinator tells its parent whether its run still wants workers (false once completed,
/// cancelled or failed; true again after a resume) and how many items wait in its queue, so the
/// parent sends work requests where there is work. Local only.
/// </summary>
public sealed record RunActivity(string RunId, string Stage, bool Finished, int Pending);
