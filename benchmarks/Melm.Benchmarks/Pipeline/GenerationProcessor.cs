using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Benchmarks.Pipeline;

/// <summary>
/// The generation loop as a work item: MELM rewrites of a shard's sentences for one round, each kept
/// unless it equals its source. Items run one at a time, as one device computes one batch at once.
/// </summary>
public sealed class GenerationProcessor : IWorkItemProcessor, IDisposable
{
    private readonly MelmModel _model;
    private readonly MelmGenerator _generator;
    private readonly Dictionary<string, (Sentence Sentence, int Index)> _corpus;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public GenerationProcessor(MelmModel model, GenerationOptions options, IReadOnlyList<Sentence> corpus)
    {
        _model = model;
        _generator = new MelmGenerator(model, options);
        _corpus = corpus.Select((s, i) => (s, i)).ToDictionary(p => p.s.Id, p => p, StringComparer.Ordinal);
    }

    public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sources = item.SentenceIds.Select(id => _corpus[id]).Where(s => s.Sentence.Tags.Any(t => t != Tag.OutsideText)).ToArray();
            var made = _generator.RewriteItems([.. sources.Select(s => new GenerationItem(s.Sentence, s.Index, item.Round))]);
            var kept = made
                .Where(r => !r.Sentence.Tokens.SequenceEqual(_corpus[r.Sentence.Provenance!.SourceId].Sentence.Tokens, StringComparer.Ordinal))
                .Select(r => r.Sentence)
                .ToArray();
            return new ItemResult(kept, made.Count - kept.Length);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _generator.Dispose();
        _model.Dispose();
        _gate.Dispose();
    }
}
