namespace Melm.Actors.Protocol.Commands;

/// <summary>
/// A worker is shutting down gracefully (SIGTERM, Ctrl+C): it dropped what it held, so every lease it holds
/// and the stage it runs go back to the queue now, not when the cluster removes or downs its node.
/// </summary>
public sealed record WorkerLeaving(string WorkerId) : IMelmMessage;
