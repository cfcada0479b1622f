using Melm.Models.Augmentation;
using Melm.Models.Baselines;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Nn;
using Melm.Models.Mlm;
using Melm.Models.Runs;

namespace Melm.Models.Tests.Augmentation;

public sealed class RewritersTests
{
    [Fact]
    public void EachMethodOpensItsOwnRewriterAndAFolderTunedForAnotherMethodIsRefused()
    {
        using var pretrained = MelmFixtures.PretrainedFolder();
        using var tuned = TinyModels.Scratch();
        var train = MelmFixtures.Demo(count: 4);
        using (var model = MelmModel.Prepare(pretrained.Path, train, AugmentationMethod.Melm))
            model.Save(tuned.Path);
        var generation = new GenerationOptions(Seed: 2);

        var melm = Rewriters.Open(AugmentationMethod.Melm, tuned.Path, train, generation);
        var mlmEntity = Rewriters.Open(AugmentationMethod.MlmEntity, pretrained.Path, train, generation);
        var error = Assert.Throws<InputException>(() => Rewriters.Open(AugmentationMethod.MelmNoMarkers, tuned.Path, train, generation));

        using (melm as IDisposable)
        using (mlmEntity as IDisposable)
        {
            Assert.Equal("melm", melm.Method);
            Assert.Equal("mlm-entity", mlmEntity.Method);
        }
        Assert.IsType<LabelwiseSubstitution>(Rewriters.Open(AugmentationMethod.Labelwise, "", train, generation));
        Assert.IsType<GoldOnly>(Rewriters.Open(AugmentationMethod.GoldOnly, "", train, generation));
        Assert.Contains("fine-tuned for melm, not melm-no-markers", error.Message, StringComparison.Ordinal);
    }
}
