using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.CodeMix;

/// <summary>
/// Reads back what `melm codemix` wrote, for MELM over gold plus code-mixed sentences (paper 2.5):
/// train+aug.jsonl holds the training sentences (no provenance) and the code-mixed ones (with
/// provenance), substitutions.jsonl which mention came from which language.
/// </summary>
public static class CodeMixFolder
{
    /// <summary>
    /// The training sentences and the code-mixed ones; each code-mixed sentence has
    /// <see cref="Sentence.TokenLanguages"/>, so a substituted mention is marked with its own language.
    /// </summary>
    public static (IReadOnlyList<Sentence> Training, IReadOnlyList<Sentence> Mixed) Read(string folder)
    {
        var path = Path.Combine(folder, AugmentationOutput.GoldPlusAugmentedJsonLines);
        if (!File.Exists(path))
            throw new InputException(folder, null, $"not a `melm codemix` output folder: no {AugmentationOutput.GoldPlusAugmentedJsonLines}");
        var sentences = JsonLines.Read(path).Sentences;
        var training = sentences.Where(s => s.Provenance is null).ToArray();
        var mixed = sentences.Where(s => s.Provenance is not null).ToArray();
        if (mixed.Length == 0)
            return (training, []);
        var withLanguages = SubstitutionLog.Read(Path.Combine(folder, AugmentationOutput.SubstitutionsFile), mixed)
            .Select(a => a.Sentence with { TokenLanguages = a.TokenLanguages() })
            .ToArray();
        return (training, withLanguages);
    }
}
