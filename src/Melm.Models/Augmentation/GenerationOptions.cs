using System.Text.Json.Serialization;

namespace Melm.Models.Augmentation;

/// <summary>MELM generation (paper 2.3); the defaults are the paper's.</summary>
/// <param name="Rounds">R: rewrites attempted per training sentence.</param>
/// <param name="TopK">k: a replacement is drawn among this many valid candidates.</param>
/// <param name="Mu">Mean of the masked share of an entity word's subwords.</param>
/// <param name="Sampling">How the replacement is drawn from the top k.</param>
/// <param name="SameScript">Candidates must be written in the replaced word's script.</param>
/// <param name="BatchSize">Model rows (sentences, or windows of long ones) per forward pass; results do not depend on it.</param>
/// <param name="Seed">The run seed all draws derive from.</param>
/// <param name="Filter">
/// What the consistency filter asks of a rewrite (paper 2.4: the whole sentence). Left out of JSON
/// when it is the paper's, so a run's spec, and with it the run id `melm augment` derives from it,
/// reads as before the option existed, and journals written before it read as the paper's.
/// </param>
public sealed record GenerationOptions(
    int Rounds = 3,
    int TopK = 5,
    double Mu = 0.5,
    CandidateSampling Sampling = CandidateSampling.Uniform,
    bool SameScript = false,
    int BatchSize = 32,
    ulong Seed = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] FilterRule Filter = FilterRule.Sentence);
