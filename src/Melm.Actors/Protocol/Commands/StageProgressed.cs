using Melm.Models.Diagnostics;

namespace Melm.Actors.Protocol.Commands;

/// <summary>How far a worker has got with a stage (epochs, steps), for status; never journalled.</summary>
public sealed record StageProgressed(string RunId, string WorkerId, string Stage, ProgressUpdate Update) : IWithRunId;
