using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Runs;

/// <summary>
/// The one place a run reads its corpus (a corpus file or a `melm codemix` folder) and checks its
/// sentence ids: each stage, each loaded run of a work-item processor and the writer read it here,
/// once each, and get it refused when it is gone, when its ids repeat, or, where the run planned
/// its items on them, when its ids are no longer the ones the run started on.
/// </summary>
public static class RunCorpus
{
    /// <summary>The training set at <paramref name="path"/>, its ids unique.</summary>
    public static TrainingSet Read(string path, string runId)
    {
        if (!TrainingSet.Exists(path))
            throw new InputException(path, null, $"run {runId}: the corpus file is gone");
        var set = TrainingSet.Read(path);
        SentenceIds.CheckUnique(set.Training.Sentences, path);
        return set;
    }

    /// <summary>The run's training sentences, refused when they are no longer the ones the run was started on (<see cref="RunSpec.SentenceIds"/>).</summary>
    public static IReadOnlyList<Sentence> ReadPlanned(RunSpec spec)
    {
        var path = spec.Inputs.CorpusFile;
        var training = Read(path, spec.RunId).Training.Sentences;
        if (!training.Select(s => s.Id).SequenceEqual(spec.SentenceIds, StringComparer.Ordinal))
            throw new InputException(path, null, $"run {spec.RunId}: the corpus file no longer holds the sentences the run started on");
        return training;
    }
}
