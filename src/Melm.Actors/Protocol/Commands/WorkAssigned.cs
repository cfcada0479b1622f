using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>The coordinator leases one item to the worker that asked.</summary>
public sealed record WorkAssigned(WorkItem Item) : IWithRunId
{
    public string RunId => Item.RunId;
}
