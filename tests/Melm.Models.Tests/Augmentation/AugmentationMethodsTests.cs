using Melm.Models.Augmentation;

namespace Melm.Models.Tests.Augmentation;

public sealed class AugmentationMethodsTests
{
    [Fact]
    public void TheNamesCeilingIsAnExperimentsMethodButNoneThatAugments()
    {
        Assert.Equal(["melm", "melm-no-markers", "mlm-entity", "label-wise", "gold-only"], AugmentationMethods.Names);
        Assert.Equal(["gold-only", "label-wise", "melm", "melm-no-markers", "mlm-entity", "names-ceiling"], AugmentationMethods.ExperimentNames);
        Assert.False(AugmentationMethods.TryParse("names-ceiling", out _));
        Assert.True(AugmentationMethods.TryParseExperiment(" Names-Ceiling ", out var ceiling));
        Assert.Equal(AugmentationMethod.NamesCeiling, ceiling);
        Assert.False(AugmentationMethods.IsAugmentation(ceiling));
        Assert.All(AugmentationMethods.Names, name => Assert.True(AugmentationMethods.TryParseExperiment(name, out var method) && AugmentationMethods.IsAugmentation(method)));
    }
}
