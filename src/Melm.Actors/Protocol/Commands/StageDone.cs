using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Commands;

/// <summary>A worker finished a preparation stage; a late duplicate for a stage already recorded is ignored.</summary>
public sealed record StageDone(string RunId, string WorkerId, string Stage, StageOutcome Outcome) : IWithRunId;
