namespace Melm.Actors.Protocol.Commands;

/// <summary>A worker lost its in-flight items (its actor restarted): every lease it holds goes back to the queue.</summary>
public sealed record WorkerRestarted(string WorkerId) : IMelmMessage;
