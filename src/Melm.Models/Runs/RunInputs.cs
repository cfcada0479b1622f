using Melm.Models.Augmentation;

namespace Melm.Models.Runs;

/// <summary>
/// What a run's processors and its writer read, by path on storage every node shares: the
/// sentences to rewrite, the model folder (fine-tuned for MELM and its ablation, pretrained for
/// mlm-entity, unused by label-wise and gold-only), the filter's tagger folder (none: no filter)
/// and the generation settings, whose seed and rounds are the run's.
/// </summary>
/// <param name="CorpusFile">A corpus file, or a `melm codemix` output folder (<see cref="TrainingSet"/>).</param>
/// <param name="Method">The augmentation method's name (AugmentationMethods.Name), written to the summary.</param>
public sealed record RunInputs(string CorpusFile, string ModelFolder, string Method, string? TaggerFolder, GenerationOptions Generation)
{
    /// <summary>The filter's name in the summary: "ner" with a tagger (with its rule unless it is the paper's), "none" without.</summary>
    public string FilterName => TaggerFolder is null ? "none" : FilterNameOf(Generation.Filter);

    /// <summary>"ner" for the paper's rule, "ner (mentions)" for another.</summary>
    public static string FilterNameOf(FilterRule rule) => rule == FilterRule.Sentence ? "ner" : $"ner ({FilterRules.Name(rule)})";
}
