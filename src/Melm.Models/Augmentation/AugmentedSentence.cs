using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>A rewritten sentence (with its <see cref="Data.Provenance"/>) and the mentions that were replaced in it.</summary>
public sealed record AugmentedSentence(Sentence Sentence, IReadOnlyList<Substitution> Substitutions)
{
    /// <summary>
    /// The language of each token: a substituted mention's tokens have the substitute's language
    /// (code-mixing brings them from another language), every other token the sentence's. MELM's
    /// language markers use this, so a code-mixed entity is marked with the language of its words.
    /// </summary>
    public IReadOnlyList<string?> TokenLanguages()
    {
        var languages = Enumerable.Repeat(Sentence.Lang, Sentence.Tokens.Count).ToArray();
        foreach (var substitution in Substitutions)
        {
            for (var i = substitution.Replaced.Start; i < substitution.Replaced.End; i++)
                languages[i] = substitution.Substitute.Lang;
        }
        return languages;
    }
}
