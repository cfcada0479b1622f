namespace Melm.Models.Tests;

/// <summary>Tests whose results depend on torch's global generator (dropout in training) run in this collection, never beside others.</summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class TorchGlobalGenerator
{
    public const string Collection = "Torch global generator";
}
