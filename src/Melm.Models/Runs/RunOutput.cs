using Melm.Models.Augmentation;
using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>
/// Assembles and writes a run's output. The item results go through AugmentationRun.Combine, the
/// same step as a run over the whole corpus in one process: it orders rewrites by (source sentence
/// in corpus order, round) and drops repeats, so completion order, node count and retries never
/// show in the bytes, which equal those of `melm augment`'s direct computation.
/// </summary>
public static class RunOutput
{
    /// <summary>
    /// Every item's round combined. Every item must have a result, and every rewrite must name a
    /// source sentence of its own shard and round in its Provenance.
    /// </summary>
    public static AssembledRun Assemble(RunSpec spec, IReadOnlyList<Sentence> training, IReadOnlyDictionary<ItemKey, ItemResult> results)
    {
        var rounds = new List<RoundResult>(spec.ItemCount);
        var descriptions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in WorkPlan.Items(spec))
        {
            if (!results.TryGetValue(item.Key, out var result))
                throw new InvalidOperationException($"run {spec.RunId}: no result for {item.Key}");
            var round = result.Round;
            foreach (var rewrite in round.Passed.Concat(round.Dropped.Select(d => d.Rewrite)))
            {
                if (rewrite.Sentence.Provenance is not { } provenance || provenance.Round != item.Round || round.Round != item.Round
                    || !item.SentenceIds.Contains(provenance.SourceId, StringComparer.Ordinal))
                    throw new InvalidOperationException($"run {spec.RunId}, {item.Key}: rewrite {rewrite.Sentence.Id} does not name a source sentence of its shard and round");
            }
            rounds.Add(round);
            descriptions.Add(result.Description);
        }
        if (descriptions.Count > 1)
            throw new InvalidOperationException($"run {spec.RunId}: items were made by different rewriters ({string.Join("; ", descriptions)})");
        return new AssembledRun(AugmentationRun.Combine(training, rounds), descriptions.SingleOrDefault() ?? "");
    }

    /// <summary>
    /// Writes the files of `melm augment` (aug.conll, aug.jsonl, train+aug.conll, train+aug.jsonl,
    /// substitutions.jsonl when mentions were replaced, summary.json) into the run's output folder,
    /// with the training sentences read again from the run's corpus (RunCorpus.ReadPlanned). Returns the written paths.
    /// Writing again gives the same bytes, so a crash mid-write is cured by writing again.
    /// </summary>
    public static IReadOnlyList<string> Write(RunSpec spec, IReadOnlyDictionary<ItemKey, ItemResult> results)
    {
        var training = RunCorpus.ReadPlanned(spec);
        var run = Assemble(spec, training, results);
        var summary = AugmentationSummary.Build(spec.Inputs.Method, run.Description, training, run.Outcome, spec.Inputs.FilterName);
        var rewrites = run.Outcome.Kept.Select(r => r.Augmented).ToArray();
        AugmentationOutput.Write(spec.OutputFolder, training, rewrites, summary);
        var names = new List<string> { AugmentationOutput.AugmentedConll, AugmentationOutput.AugmentedJsonLines, AugmentationOutput.GoldPlusAugmented, AugmentationOutput.GoldPlusAugmentedJsonLines };
        if (rewrites.Any(r => r.Substitutions.Count > 0))
            names.Add(AugmentationOutput.SubstitutionsFile);
        names.Add(AugmentationOutput.SummaryFile);
        return [.. names.Select(name => Path.Combine(spec.OutputFolder, name))];
    }
}
