using System.Collections.Concurrent;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Randomness;
using Melm.Models.Runs;

namespace Melm.Testing;

/// <summary>
/// A model-free stand-in for MelmItemProcessor, for testing the pipeline itself (actors, processes,
/// failures) in seconds: it upper-cases entity words and rejects some rewrites as a filter would,
/// every choice drawn from (run seed, sentence id, round). Like the real one it reads the run's
/// corpus and needs the model folder to exist; Delay stands for the model's compute time.
/// </summary>
public sealed class UpperCaseProcessor(TimeSpan delay) : IWorkItemProcessor
{
    public const string MethodName = "upper-case";

    public const string Description = "upper-case: entity words upper-cased at random, for the pipeline's tests";

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, Sentence>> _corpora = new(StringComparer.Ordinal);

    public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        var inputs = item.Inputs;
        if (!Directory.Exists(inputs.ModelFolder))
            throw new InputException(inputs.ModelFolder, null, "the run's model folder is gone");
        var corpus = _corpora.GetOrAdd(inputs.CorpusFile, path => File.Exists(path)
            ? CorpusFile.Read(path).Sentences.ToDictionary(s => s.Id, StringComparer.Ordinal)
            : throw new InputException(path, null, "the run's corpus file is gone"));
        var passed = new List<Rewrite>();
        var dropped = new List<DroppedRewrite>();
        foreach (var id in item.SentenceIds)
        {
            var source = corpus.TryGetValue(id, out var found) ? found : throw new InputException(inputs.CorpusFile, null, $"sentence {id} is not in the corpus file");
            if (!source.Tags.Any(t => t != Tag.OutsideText))
                continue;
            var random = SeedDerivation.For(item.Seed, MethodName, id, item.Round);
            var tokens = source.Tokens.Select((t, i) => source.Tags[i] != Tag.OutsideText && random.NextDouble() < 0.5 ? t.ToUpperInvariant() : t).ToArray();
            var rewrite = new Rewrite(new Sentence($"{id}/{MethodName}/r{item.Round}", source.Lang, tokens, source.Tags) { Provenance = new Provenance(id, item.Round, MethodName) }, 0, 0, 0);
            if (tokens.SequenceEqual(source.Tokens, StringComparer.Ordinal))
                dropped.Add(new DroppedRewrite(rewrite, DropReason.IdenticalToSource));
            else if (random.NextDouble() < 0.2)
                dropped.Add(new DroppedRewrite(rewrite, DropReason.Filter));
            else
                passed.Add(rewrite);
        }
        return new ItemResult(new RoundResult(item.Round, passed, dropped), Description);
    }

    /// <summary>
    /// A stand-in stage: five steps of Delay each, then a marker file in the folder the stage writes
    /// (the model folder for fine-tune, the tagger folder for filter-tagger); a marker already there is
    /// reused, as the real stages reuse or resume what they find.
    /// </summary>
    public async Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
    {
        var inputs = job.Spec.Inputs;
        var folder = job.Stage switch
        {
            StageNames.FineTune => inputs.ModelFolder,
            StageNames.FilterTagger => inputs.TaggerFolder ?? throw new ArgumentException($"run {job.RunId} has no tagger folder", nameof(job)),
            _ => throw new ArgumentException($"unknown stage '{job.Stage}'", nameof(job)),
        };
        var marker = Path.Combine(folder, StageMarker);
        if (File.Exists(marker))
            return new StageOutcome([folder], $"reusing {folder}");
        const int steps = 5;
        for (var step = 1; step <= steps; step++)
        {
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            progress.Report(new ProgressUpdate(job.Stage, step, steps, "steps"));
        }
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(marker, $"{job.Stage} of run {job.RunId}, seed {job.Spec.Seed}\n", cancellationToken).ConfigureAwait(false);
        return new StageOutcome([folder], $"{steps} steps, marker in {folder}");
    }

    /// <summary>The file a stand-in stage leaves in its folder.</summary>
    public const string StageMarker = "upper-case-stage.txt";
}
