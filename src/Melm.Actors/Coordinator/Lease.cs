using Melm.Models.Runs;

namespace Melm.Actors.Coordinator;

/// <summary>An item handed to a worker until Deadline; past it the item goes back to the queue.</summary>
public sealed record Lease(ItemKey Key, string WorkerId, DateTimeOffset Deadline);
