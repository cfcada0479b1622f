using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Queries;

/// <summary>
/// A worker's state, answered while its items run: what it holds and how much it has done;
/// RunningStage names the preparation stage it runs ("run/stage"), if any; Running names the items
/// it runs now with their run ("run: shard 3 round 1").
/// </summary>
public sealed record WorkerStatus(
    string WorkerId, int Capacity, IReadOnlyList<ItemKey> InFlight, int Waiting, int Completed, int Failed, string? RunningStage = null, IReadOnlyList<string>? Running = null) : IMelmMessage;
