using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>
/// The real work item: one round of the run's method (MELM, its ablations, label-wise substitution,
/// gold-only) over a shard's sentences, then the consistency filter. A run's sentences, rewriter
/// and filter tagger are loaded once on this processor's device
/// and kept for its next items (the few most recent runs stay loaded). Items run one at a time: a
/// device computes one batch at once, so a worker's extra capacity only queues work.
/// </summary>
/// <param name="curvesAt">Makes the training curves of a stage written to a folder; null: stages write none.</param>
/// <param name="say">Hears what a stage says it did (a node prints it); null: nobody.</param>
public sealed class MelmItemProcessor(Device device, Func<string, ITrainingCurves>? curvesAt = null, Action<string>? say = null) : IWorkItemProcessor, IDisposable
{
    /// <summary>Runs kept loaded, so scheduling across a few runs does not reload models for every item.</summary>
    private const int LoadedRunLimit = 3;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LoadedRun> _loaded = [];

    public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Loaded(item).Process(item);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A stage holds the device like an item: it waits for the item running and the next item waits for it.</summary>
    public async Task<StageOutcome> RunStageAsync(StageJob job, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return StageRunner.Run(job, device, progress, say, curvesAt);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var run in _loaded)
            run.Dispose();
        _loaded.Clear();
        _gate.Dispose();
    }

    private LoadedRun Loaded(WorkItem item)
    {
        var index = _loaded.FindIndex(r => r.Inputs == item.Inputs);
        var run = index >= 0 ? _loaded[index] : new LoadedRun(item.RunId, item.Inputs, device);
        if (index >= 0)
            _loaded.RemoveAt(index);
        _loaded.Insert(0, run);
        if (_loaded.Count > LoadedRunLimit)
        {
            _loaded[^1].Dispose();
            _loaded.RemoveAt(_loaded.Count - 1);
        }
        return run;
    }

    /// <summary>One run's sentences, rewriter and filter on the device.</summary>
    private sealed class LoadedRun : IDisposable
    {
        private readonly Dictionary<string, Sentence> _sentences;
        private readonly IRewriter _rewriter;
        private readonly NerTagger? _tagger;
        private readonly NerPredictor? _predictor;

        public LoadedRun(string runId, RunInputs inputs, Device device)
        {
            Inputs = inputs;
            var sentences = RunCorpus.Read(inputs.CorpusFile, runId).Training.Sentences;
            _sentences = sentences.ToDictionary(s => s.Id, StringComparer.Ordinal);
            if (!AugmentationMethods.TryParse(inputs.Method, out var method))
                throw new InputException(inputs.ModelFolder, null, $"unknown method '{inputs.Method}' (expected {string.Join(", ", AugmentationMethods.Names)})");
            if (AugmentationMethods.UsesMaskedLm(method) && !Directory.Exists(inputs.ModelFolder))
                throw new InputException(inputs.ModelFolder, null, "the run's model folder is gone");
            _rewriter = Rewriters.Open(method, inputs.ModelFolder, sentences, inputs.Generation, device);
            try
            {
                _rewriter.Check(sentences, inputs.CorpusFile);
                if (inputs.TaggerFolder is { } folder)
                {
                    var (tagger, tokenizer) = TaggerFolder.Load(folder, device);
                    _tagger = tagger;
                    _predictor = new NerPredictor(tagger, tokenizer);
                }
            }
            catch
            {
                (_rewriter as IDisposable)?.Dispose();
                throw;
            }
        }

        public RunInputs Inputs { get; }

        /// <summary>The item's round over its shard: the same call as each round of a whole-corpus run.</summary>
        public ItemResult Process(WorkItem item)
        {
            var shard = item.SentenceIds.Select(id => _sentences.TryGetValue(id, out var found)
                ? found
                : throw new InputException(Inputs.CorpusFile, null, $"run {item.RunId}: sentence {id} is no longer in the corpus file")).ToArray();
            var round = AugmentationRound.Run(_rewriter, shard, item.Round, _predictor, Inputs.Generation.BatchSize, filterRule: Inputs.Generation.Filter);
            return new ItemResult(round, _rewriter.Description);
        }

        public void Dispose()
        {
            (_rewriter as IDisposable)?.Dispose();
            _tagger?.Dispose();
        }
    }
}
