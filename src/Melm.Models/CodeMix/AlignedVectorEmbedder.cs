using Melm.Models.Diagnostics;

namespace Melm.Models.CodeMix;

/// <summary>
/// Paper 2.5: a mention's vector is the mean of its words' aligned vectors (one file per language,
/// in one shared space). Words without a vector are left out of the mean; a mention with no known
/// word has no vector.
/// </summary>
public sealed class AlignedVectorEmbedder : IMentionEmbedder
{
    private readonly IReadOnlyDictionary<string, AlignedVectors> _byLanguage;

    /// <param name="byLanguage">The vectors of each language; all of one dimension.</param>
    public AlignedVectorEmbedder(IReadOnlyDictionary<string, AlignedVectors> byLanguage)
    {
        if (byLanguage.Count == 0)
            throw new ArgumentException("no vector files", nameof(byLanguage));
        var dimensions = byLanguage.Values.Select(v => v.Dimension).Distinct().ToArray();
        if (dimensions.Length > 1)
        {
            throw new InputException(byLanguage.Values.Select(v => new InputProblem(v.Source, 1,
                $"{v.Dimension}-dimensional vectors; aligned vectors of all languages must share one space and dimension")).ToArray());
        }
        _byLanguage = byLanguage;
        Dimension = dimensions[0];
    }

    public int Dimension { get; }

    public string Description => "aligned word vectors (" + string.Join(", ", _byLanguage.OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => $"{p.Key}: {Path.GetFileName(p.Value.Source)}")) + ")";

    public IReadOnlyList<float[]?> Embed(string language, IReadOnlyList<IReadOnlyList<string>> mentions)
    {
        if (!_byLanguage.TryGetValue(language, out var vectors))
            throw new InputException("--vectors", null, $"no vector file for language \"{language}\": give one per training language or none (encoder fallback)");
        return mentions.Select(words => Mean(words, vectors)).ToArray();
    }

    private float[]? Mean(IReadOnlyList<string> words, AlignedVectors vectors)
    {
        var sum = new float[Dimension];
        var known = 0;
        foreach (var word in words)
        {
            if (!vectors.TryGet(word, out var vector))
                continue;
            known++;
            for (var d = 0; d < sum.Length; d++)
                sum[d] += vector[d];
        }
        if (known == 0)
            return null;
        for (var d = 0; d < sum.Length; d++)
            sum[d] /= known;
        return sum;
    }
}
