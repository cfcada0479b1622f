namespace Melm.Models.Runs;

/// <summary>
/// The code-mix stage (paper 2.5): each entity of the languages' training files replaced by a
/// same-type entity of another language, written as a `melm codemix` folder where the run's inputs
/// name its corpus (RunInputs.CorpusFile); the run's sentences are then the folder's training
/// sentences, known once the stage has run.
/// </summary>
/// <param name="Train">One training file per language, at least two.</param>
/// <param name="Vectors">Aligned word vectors per language; empty: the encoder's states, or random.</param>
/// <param name="EncoderFolder">The MLM whose mean-pooled states stand in for aligned vectors; null with vectors or Random.</param>
/// <param name="Random">Code-Mix-random: any same-type mention of another language.</param>
/// <param name="Rounds">Code-mixed sentences attempted per training sentence.</param>
public sealed record CodeMixJob(IReadOnlyList<LanguageFile> Train, IReadOnlyList<LanguageFile> Vectors, string? EncoderFolder, bool Random, int Rounds, ulong Seed)
{
    /// <summary>Records compare lists by reference; jobs are the same when their contents are.</summary>
    public bool Equals(CodeMixJob? other) =>
        other is not null && (EncoderFolder, Random, Rounds, Seed) == (other.EncoderFolder, other.Random, other.Rounds, other.Seed)
        && Train.SequenceEqual(other.Train) && Vectors.SequenceEqual(other.Vectors);

    public override int GetHashCode() => HashCode.Combine(EncoderFolder, Random, Rounds, Seed, Train.Count);
}
