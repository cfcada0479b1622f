using System.Collections.Concurrent;
using Melm.Models.Data;
using Melm.Models.Randomness;
using Melm.Models.Runs;

namespace Melm.Actors.Tests.Support;

/// <summary>
/// Test double for the MELM processor: upper-cases words and drops some rewrites, every choice drawn
/// from (run seed, sentence id, round), so its output depends on the item alone. An optional hook
/// runs before each item (to hold items in flight or count them).
/// </summary>
public sealed class UpperCaseProcessor(IReadOnlyList<Sentence> corpus, Func<WorkItem, int, CancellationToken, Task>? beforeItem = null) : IWorkItemProcessor
{
    private readonly Dictionary<string, Sentence> _sentences = corpus.ToDictionary(s => s.Id);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentBag<ItemKey> Processed { get; } = [];

    public async Task<ItemResult> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (beforeItem is not null)
            await beforeItem(item, call, cancellationToken);
        var kept = new List<Sentence>();
        var dropped = 0;
        foreach (var id in item.SentenceIds)
        {
            var source = _sentences[id];
            var rng = SeedDerivation.For(item.Seed, "test-upper", id, item.Round);
            var tokens = source.Tokens.Select(t => rng.NextDouble() < 0.5 ? t.ToUpperInvariant() : t).ToArray();
            if (rng.NextDouble() < 0.2)
            {
                dropped++;
                continue;
            }
            kept.Add(new Sentence($"{id}#r{item.Round}", source.Lang, tokens, source.Tags) { Provenance = new Provenance(id, item.Round, "test-upper") });
        }
        Processed.Add(item.Key);
        return new ItemResult(kept, dropped);
    }
}
