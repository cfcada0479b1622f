using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>
/// The real work item: MELM generation for a shard's sentences in one round, then the consistency
/// filter. A run's corpus, MELM model and filter tagger are loaded once on this processor's device
/// and kept for its next items (the few most recent runs stay loaded). Items run one at a time: a
/// device computes one batch at once, so a worker's extra capacity only queues work.
/// </summary>
public sealed class MelmItemProcessor(Device device) : IWorkItemProcessor, IDisposable
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
            return Loaded(item.Inputs).Process(item);
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

    private LoadedRun Loaded(RunInputs inputs)
    {
        var index = _loaded.FindIndex(r => r.Inputs == inputs);
        var run = index >= 0 ? _loaded[index] : new LoadedRun(inputs, device);
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

    /// <summary>One run's corpus and models on the device.</summary>
    private sealed class LoadedRun : IDisposable
    {
        private readonly Dictionary<string, (Sentence Sentence, int Index)> _corpus;
        private readonly MelmModel _model;
        private readonly MelmGenerator _generator;
        private readonly NerTagger? _tagger;
        private readonly NerPredictor? _predictor;

        public LoadedRun(RunInputs inputs, Device device)
        {
            Inputs = inputs;
            if (!File.Exists(inputs.CorpusFile))
                throw new InputException(inputs.CorpusFile, null, "the run's corpus file is gone");
            var sentences = CorpusFile.Read(inputs.CorpusFile).Sentences;
            MelmFineTuner.CheckIds(sentences, inputs.CorpusFile);
            _corpus = sentences.Select((s, i) => (s, i)).ToDictionary(p => p.s.Id, p => p, StringComparer.Ordinal);
            if (!AugmentationMethods.TryParse(inputs.Method, out var method))
                throw new InputException(inputs.ModelFolder, null, $"unknown method '{inputs.Method}' (expected {string.Join(", ", AugmentationMethods.Names)})");
            if (!Directory.Exists(inputs.ModelFolder))
                throw new InputException(inputs.ModelFolder, null, "the run's model folder is gone");
            _model = MelmModel.Open(inputs.ModelFolder, method, sentences, device);
            try
            {
                _model.CheckCovers(sentences, inputs.CorpusFile);
                _generator = new MelmGenerator(_model, inputs.Generation);
                if (inputs.TaggerFolder is { } folder)
                {
                    var (tagger, tokenizer) = TaggerFolder.Load(folder, device);
                    _tagger = tagger;
                    _predictor = new NerPredictor(tagger, tokenizer);
                }
            }
            catch
            {
                _generator?.Dispose();
                _model.Dispose();
                throw;
            }
        }

        public RunInputs Inputs { get; }

        public ItemResult Process(WorkItem item)
        {
            var sources = item.SentenceIds.Select(id => _corpus.TryGetValue(id, out var found)
                ? found
                : throw new InputException(Inputs.CorpusFile, null, $"run {item.RunId}: sentence {id} is no longer in the corpus file")).ToArray();
            var withEntities = sources.Where(s => s.Sentence.Tags.Any(t => t != Tag.OutsideText)).ToArray();
            var made = _generator.RewriteItems([.. withEntities.Select(s => new GenerationItem(s.Sentence, s.Index, item.Round))]);
            var candidates = new List<Rewrite>();
            var dropped = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var rewrite in made)
            {
                if (rewrite.Sentence.Tokens.SequenceEqual(sources.First(s => s.Index == rewrite.SourceIndex).Sentence.Tokens, StringComparer.Ordinal))
                {
                    // The reasons MelmGenerator.Generate gives a rewrite identical to its source.
                    var reason = AugmentationSummary.ReasonName(rewrite.KeptOriginal == rewrite.MaskedSubwords ? DropReason.NoValidCandidate : DropReason.IdenticalToSource);
                    dropped[reason] = dropped.GetValueOrDefault(reason) + 1;
                }
                else
                    candidates.Add(rewrite);
            }
            var (accepted, rejected) = _predictor is null
                ? (candidates, [])
                : ConsistencyFilter.Apply(candidates, _predictor, Inputs.Generation.BatchSize);
            var counts = new GenerationCounts(
                sources.Length, withEntities.Length, sources.Length - withEntities.Length, made.Count,
                made.Sum(r => (long)r.MaskedSubwords), made.Sum(r => (long)r.KeptOriginal), made.Sum(r => (long)r.SkippedEntityWords));
            return new ItemResult([.. accepted.Select(r => r.Sentence)], [.. rejected.Select(d => d.Rewrite.Sentence)], dropped, counts);
        }

        public void Dispose()
        {
            _generator.Dispose();
            _model.Dispose();
            _tagger?.Dispose();
        }
    }
}
