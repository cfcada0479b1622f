namespace Melm.Actors.Hosting;

/// <summary>ActorRegistry key of the runs manager (the singleton proxy on every node).</summary>
public sealed class RunsManagerKey;
