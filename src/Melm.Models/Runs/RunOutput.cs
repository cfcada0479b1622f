using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Runs;

/// <summary>
/// Assembles and writes a run's output. The order is (source sentence in corpus order, round, order
/// within the item's result), and a rewrite equal to an earlier rewrite of the same source is a
/// duplicate, as in MelmGenerator.Generate: so completion order, node count and retries never show
/// in the bytes, which equal those of `melm generate` on the whole corpus.
/// </summary>
public static class RunOutput
{
    /// <summary>
    /// The accepted rewrites in output order with every drop counted. Every item must have a result,
    /// and every rewrite must name a source sentence of its own shard and round in its Provenance.
    /// </summary>
    public static AssembledRun Assemble(RunSpec spec, IReadOnlyDictionary<ItemKey, ItemResult> results)
    {
        var kept = new List<Sentence>();
        var dropped = new Dictionary<string, int>(StringComparer.Ordinal);
        void Drop(string reason, int count) => dropped[reason] = dropped.GetValueOrDefault(reason) + count;
        var duplicate = AugmentationSummary.ReasonName(DropReason.Duplicate);
        var filtered = AugmentationSummary.ReasonName(DropReason.Filter);
        int read = 0, withEntities = 0, withoutEntities = 0, made = 0;
        long masked = 0, keptOriginal = 0, skipped = 0;
        for (var shard = 0; shard < spec.ShardCount; shard++)
        {
            var item = WorkPlan.Item(spec, new ItemKey(shard, 1));
            var bySource = new Dictionary<(string Source, int Round), List<(Sentence Sentence, bool Accepted)>>();
            for (var round = 1; round <= spec.Rounds; round++)
            {
                var key = new ItemKey(shard, round);
                if (!results.TryGetValue(key, out var result))
                    throw new InvalidOperationException($"run {spec.RunId}: no result for {key}");
                foreach (var (reason, count) in result.Dropped)
                    Drop(reason, count);
                var counts = result.Counts;
                if (round == 1)
                    (read, withEntities, withoutEntities) = (read + counts.SentencesRead, withEntities + counts.WithEntities, withoutEntities + counts.WithoutEntities);
                (made, masked, keptOriginal, skipped) = (made + counts.RewritesMade, masked + counts.MaskedSubwords, keptOriginal + counts.KeptOriginalSubwords, skipped + counts.SkippedEntityWords);
                foreach (var (sentence, accepted) in result.Accepted.Select(s => (s, true)).Concat(result.Rejected.Select(s => (s, false))))
                {
                    if (sentence.Provenance is not { } provenance || provenance.Round != round || !item.SentenceIds.Contains(provenance.SourceId, StringComparer.Ordinal))
                        throw new InvalidOperationException($"run {spec.RunId}, {key}: rewrite {sentence.Id} does not name a source sentence of its shard and round");
                    if (!bySource.TryGetValue((provenance.SourceId, round), out var list))
                        bySource[(provenance.SourceId, round)] = list = [];
                    list.Add((sentence, accepted));
                }
            }
            foreach (var id in item.SentenceIds)
            {
                var seen = new List<IReadOnlyList<string>>();
                for (var round = 1; round <= spec.Rounds; round++)
                {
                    foreach (var (sentence, accepted) in bySource.GetValueOrDefault((id, round)) ?? [])
                    {
                        // Deduplication comes before the filter, as in the direct pipeline: a rejected rewrite still makes a later equal one a duplicate.
                        if (seen.Any(s => s.SequenceEqual(sentence.Tokens, StringComparer.Ordinal)))
                        {
                            Drop(duplicate, 1);
                            continue;
                        }
                        seen.Add(sentence.Tokens);
                        if (accepted)
                            kept.Add(sentence);
                        else
                            Drop(filtered, 1);
                    }
                }
            }
        }
        return new AssembledRun(kept, dropped, new GenerationCounts(read, withEntities, withoutEntities, made, masked, keptOriginal, skipped));
    }

    /// <summary>
    /// Writes the files of `melm augment` (aug.conll, aug.jsonl, train+aug.conll, summary.json) into
    /// the run's output folder, with the gold sentences read again from the run's corpus file.
    /// Returns the written paths. Writing again gives the same bytes, so a crash mid-write is cured
    /// by writing again.
    /// </summary>
    public static IReadOnlyList<string> Write(RunSpec spec, AssembledRun run)
    {
        var gold = ReadCorpus(spec);
        AugmentationOutput.Write(spec.OutputFolder, gold, run.Kept, Summarize(spec, gold, run));
        return [.. new[] { AugmentationOutput.AugmentedConll, AugmentationOutput.AugmentedJsonLines, AugmentationOutput.GoldPlusAugmented, AugmentationOutput.SummaryFile }
            .Select(name => Path.Combine(spec.OutputFolder, name))];
    }

    public static AugmentationSummary Summarize(RunSpec spec, IReadOnlyList<Sentence> gold, AssembledRun run) =>
        AugmentationSummary.Build(spec.Inputs.Method, gold, run.Counts, run.Kept, run.Dropped, spec.Inputs.FilterName);

    /// <summary>The run's corpus, refused when its sentences are no longer the ones the run was started on.</summary>
    public static IReadOnlyList<Sentence> ReadCorpus(RunSpec spec)
    {
        var path = spec.Inputs.CorpusFile;
        if (!File.Exists(path))
            throw new InputException(path, null, $"run {spec.RunId}: the corpus file is gone");
        var gold = CorpusFile.Read(path).Sentences;
        if (!gold.Select(s => s.Id).SequenceEqual(spec.SentenceIds, StringComparer.Ordinal))
            throw new InputException(path, null, $"run {spec.RunId}: the corpus file no longer holds the sentences the run started on");
        return gold;
    }
}
