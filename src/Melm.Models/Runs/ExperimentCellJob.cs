using System.Text.Json.Serialization;
using Melm.Models.Augmentation;
using Melm.Models.Ner;

namespace Melm.Models.Runs;

/// <summary>
/// One cell of a `melm experiment` grid as a cluster job: sample N gold sentences of a language with
/// a seed, then train and score each method's final tagger, writing the cell's folder under
/// <paramref name="Out"/> exactly as the experiment does in one process. A cell is the unit because
/// its methods share the sample and the gold tagger (MELM's filter).
/// </summary>
/// <param name="ConllRoot">A folder with LANG/train.txt, LANG/dev.txt and LANG/test.txt.</param>
/// <param name="Model">The pretrained MLM.</param>
/// <param name="Methods">The grid's method names, in order.</param>
public sealed record ExperimentCellJob(
    string ConllRoot, string Model, string Out, string Language, int N, int Seed, IReadOnlyList<string> Methods,
    NerTrainingOptions Tagger, FineTuneOptions FineTune, int Rounds)
{
    /// <summary>Generation options beyond R from a grid file; null (as in journals written before grid files): the defaults. Left out of JSON when null, so such jobs serialize as before.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GenerationOptions? Generation { get; init; }

    /// <summary>Languages whose test sets the cell's taggers are also scored on (zero-shot cross-lingual); null: none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? CrossLingualTargets { get; init; }

    /// <summary>
    /// A multilingual cell (paper Table 2): N gold sentences of each of these languages trained on
    /// together, <see cref="Methods"/> being multilingual methods; null: a monolingual cell of
    /// <see cref="Language"/>. Left out of JSON when null, so monolingual jobs serialize as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? MultilingualLanguages { get; init; }

    /// <summary>
    /// The Figure 4 oracle of <see cref="Language"/>: with methods, the cell also counts the valid new
    /// entities of each method's rewrites with it (trained before, by the oracle's own job); with no
    /// methods, the job trains it. Null: not measured; left out of JSON then, so jobs serialize as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OracleOptions? Oracle { get; init; }

    /// <summary>Whether the job trains the language's oracle rather than running a cell.</summary>
    [JsonIgnore]
    public bool TrainsOracle => Oracle is not null && Methods.Count == 0;

    /// <summary>Records compare lists by reference; jobs are the same when their contents are.</summary>
    public bool Equals(ExperimentCellJob? other) =>
        other is not null && (ConllRoot, Model, Out, Language, N, Seed, Tagger, FineTune, Rounds, Generation, Oracle)
            == (other.ConllRoot, other.Model, other.Out, other.Language, other.N, other.Seed, other.Tagger, other.FineTune, other.Rounds, other.Generation, other.Oracle)
        && Methods.SequenceEqual(other.Methods, StringComparer.Ordinal)
        && (CrossLingualTargets ?? []).SequenceEqual(other.CrossLingualTargets ?? [], StringComparer.Ordinal)
        && (MultilingualLanguages is null) == (other.MultilingualLanguages is null)
        && (MultilingualLanguages ?? []).SequenceEqual(other.MultilingualLanguages ?? [], StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Out, Language, N, Seed, Methods.Count);
}

/// <summary>How the Figure 4 oracle tagger trains: on a language's full train split, best epoch by its full dev split.</summary>
public sealed record OracleOptions(int Epochs, double LearningRate);
