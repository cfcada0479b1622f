namespace Melm.Models.Tests.Ner;

/// <summary>Tests that train: dropout draws from torch's global generator, so they run alone, where no other test draws from it meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTrainingGroup
{
    public const string Name = "torch training";
}
