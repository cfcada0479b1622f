namespace Melm.Host.Cluster;

/// <summary>A run the coordinator refused, could not answer about, or that stopped; the message says why and what to do.</summary>
public sealed class RunRequestException(string message) : Exception(message);
