using Melm.Models.Augmentation;

namespace Melm.Models.Runs;

/// <summary>
/// What one augmentation run does, as data every node can read: its inputs (corpus, models,
/// generation settings with the seed every draw derives from and the rounds R), the sentences to
/// rewrite (ids in corpus order), how many go in one work item, and the folder the final files are
/// written to (shared storage in a cluster).
/// </summary>
/// <param name="RunId">Stable name of the run; also names its journal entries.</param>
/// <param name="Inputs">Files and settings the processors and the writer read.</param>
/// <param name="ShardSize">Sentences per work item.</param>
/// <param name="SentenceIds">The source sentences in corpus order; the output follows this order. Empty when a code-mix stage makes the corpus (RunState then plans with the stage's ids).</param>
/// <param name="OutputFolder">Where the assembled output is written.</param>
/// <param name="Preparation">Stages a worker runs before the items (fine-tuning, the filter's tagger); null: none, the inputs are ready.</param>
public sealed record RunSpec(string RunId, RunInputs Inputs, int ShardSize, IReadOnlyList<string> SentenceIds, string OutputFolder, RunPreparation? Preparation = null)
{
    /// <summary>Run seed; every random draw derives from (seed, purpose, sentence id, round).</summary>
    public ulong Seed => Inputs.Generation.Seed;

    /// <summary>R, the number of rewrites asked of each sentence.</summary>
    public int Rounds => Inputs.Generation.Rounds;

    /// <summary>Number of shards: the sentence list cut into pieces of ShardSize, the last one shorter.</summary>
    public int ShardCount => (SentenceIds.Count + ShardSize - 1) / ShardSize;

    /// <summary>Number of work items: one per shard and round.</summary>
    public int ItemCount => ShardCount * Rounds;

    /// <summary>A job: no sentences to rewrite and no output to write; its stages (an experiment cell) are its whole work.</summary>
    public bool IsJob => SentenceIds.Count == 0 && Preparation?.Cell is not null;

    /// <summary>Throws ArgumentException naming the first thing that makes the spec unusable.</summary>
    public void Validate()
    {
        // A spec read from JSON (the status endpoint) may lack fields its type says are there.
        if (Inputs?.Generation is null || SentenceIds is null || Inputs.CorpusFile is null || Inputs.ModelFolder is null || Inputs.Method is null)
            throw new ArgumentException("the spec lacks its inputs (corpus file, model folder, method, generation settings) or its sentence ids", nameof(Inputs));
        // Nor can System.Text.Json's nullable checks see inside lists.
        if (SentenceIds.Contains(null!) || Preparation?.FineTune?.Languages.Contains(null!) == true || Preparation?.Cell?.Methods.Contains(null!) == true
            || Preparation?.CodeMix is { } mix && (mix.Train.Contains(null!) || mix.Vectors.Contains(null!)))
            throw new ArgumentException("a list in the spec (sentence ids, languages, methods, code-mix files) holds null", nameof(Preparation));
        // Enums arrive from JSON as any number; one no name stands for would fail later, on a worker.
        foreach (var generation in new[] { Inputs.Generation, Preparation?.Cell?.Generation }.OfType<GenerationOptions>())
        {
            if (!Enum.IsDefined(generation.Filter) || !Enum.IsDefined(generation.Sampling))
                throw new ArgumentException($"generation settings name no known filter rule ({(int)generation.Filter}) or sampling ({(int)generation.Sampling})", nameof(Inputs));
        }
        if (string.IsNullOrWhiteSpace(RunId) || RunId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException($"run id \"{RunId}\" must be non-empty ASCII letters, digits, '-', '_' or '.'", nameof(RunId));
        if (Rounds < 1)
            throw new ArgumentException($"rounds must be at least 1, got {Rounds}", nameof(Inputs));
        if (ShardSize < 1)
            throw new ArgumentException($"shard size must be at least 1, got {ShardSize}", nameof(ShardSize));
        if (Preparation?.Cell is not null && (SentenceIds.Count > 0 || Preparation.FilterTagger is not null || Preparation.FineTune is not null))
            throw new ArgumentException("an experiment cell is a job of its own: no sentences and no other stages", nameof(Preparation));
        if (Preparation?.CodeMix is not null && SentenceIds.Count > 0)
            throw new ArgumentException("a run that code-mixes gets its sentences from that stage; give none", nameof(SentenceIds));
        if (SentenceIds.Count == 0 && !IsJob && Preparation?.CodeMix is null)
            throw new ArgumentException("a run needs at least one sentence", nameof(SentenceIds));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in SentenceIds)
        {
            if (!seen.Add(id))
                throw new ArgumentException($"sentence id \"{id}\" appears twice", nameof(SentenceIds));
        }
        if (string.IsNullOrWhiteSpace(OutputFolder))
            throw new ArgumentException("the output folder is empty", nameof(OutputFolder));
        if (string.IsNullOrWhiteSpace(Inputs.CorpusFile) || string.IsNullOrWhiteSpace(Inputs.ModelFolder))
            throw new ArgumentException("a run needs its corpus file and model folder", nameof(Inputs));
        if (Preparation?.FilterTagger is not null && Inputs.TaggerFolder is null)
            throw new ArgumentException("a run that trains its filter tagger needs the tagger folder to train it into", nameof(Preparation));
        if (Preparation?.FineTune is not null && !(AugmentationMethods.TryParse(Inputs.Method, out var method) && AugmentationMethods.IsFineTuned(method)))
            throw new ArgumentException($"method {Inputs.Method} fine-tunes no masked LM; a fine-tune stage makes no sense for it", nameof(Preparation));
    }

    /// <summary>Records compare lists by reference; runs are the same when every field has the same contents.</summary>
    public bool SameAs(RunSpec other) =>
        RunId == other.RunId && Inputs == other.Inputs && ShardSize == other.ShardSize
        && OutputFolder == other.OutputFolder && Preparation == other.Preparation && SentenceIds.SequenceEqual(other.SentenceIds, StringComparer.Ordinal);
}
