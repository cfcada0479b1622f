using Melm.Models.Baselines;
using Melm.Models.Data;
using Melm.Models.Augmentation;
using Melm.Models.Mlm;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>Opens the <see cref="IRewriter"/> of a method once its model is ready: what a worker holds to run rounds.</summary>
public static class Rewriters
{
    /// <summary>
    /// MELM and MELM without markers rewrite with the folder fine-tuning wrote, MLM-Entity with the
    /// pretrained folder as it is; label-wise substitution draws from <paramref name="training"/>'s
    /// mentions, gold-only makes nothing. A rewriter that holds a model disposes it with itself.
    /// </summary>
    /// <param name="modelFolder">The fine-tuned folder, or the pretrained one for MLM-Entity; unused by label-wise and gold-only.</param>
    /// <param name="training">The sentences to rewrite: MLM-Entity takes its tags from them, label-wise its mentions and tag scheme.</param>
    public static IRewriter Open(AugmentationMethod method, string modelFolder, IReadOnlyList<Sentence> training, GenerationOptions generation, Device? device = null) =>
        method switch
        {
            AugmentationMethod.GoldOnly => new GoldOnly(),
            AugmentationMethod.Labelwise => LabelwiseSubstitution.For(training, generation.Seed),
            AugmentationMethod.MlmEntity => new MelmGenerator(MelmModel.Prepare(modelFolder, training, method, device: device), generation, ownsModel: true),
            _ => new MelmGenerator(Load(modelFolder, method, device), generation, ownsModel: true),
        };

    private static MelmModel Load(string folder, AugmentationMethod method, Device? device)
    {
        var model = MelmModel.Load(folder, device);
        if (model.Method == method)
            return model;
        model.Dispose();
        throw new Diagnostics.InputException(folder, null, $"the folder was fine-tuned for {AugmentationMethods.Name(model.Method)}, not {AugmentationMethods.Name(method)}");
    }
}
