using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>The coordinator leases a preparation stage of its run to an idle worker that asked for work.</summary>
public sealed record StageAssigned(StageJob Job) : IWithRunId
{
    public string RunId => Job.RunId;
}
