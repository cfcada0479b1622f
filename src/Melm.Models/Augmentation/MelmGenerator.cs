using Melm.Models.Data;
using Melm.Models.Randomness;
using Melm.Models.Runs;
using Melm.Models.Text;
using static TorchSharp.torch;

namespace Melm.Models.Augmentation;

/// <summary>
/// MELM generation (paper 2.3): per (sentence, round), mask some subwords of every entity word,
/// predict them in one forward pass, and replace each by a draw among the top-k valid candidates.
/// Markers are removed and the source tags stay. Every draw comes from (seed, sentence id, round)
/// and is made in position order, so a rewrite does not depend on batch size, sentence order or
/// which machine made it (up to CPU/GPU rounding of the logits).
/// </summary>
public sealed class MelmGenerator : IDisposable
{
    private readonly MelmModel _model;
    private readonly GenerationOptions _options;
    private readonly Tensor _validByKind;
    private readonly HashSet<string> _forbiddenWords;

    public MelmGenerator(MelmModel model, GenerationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Rounds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TopK);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        _model = model;
        _options = options;
        MethodName = AugmentationMethods.Name(model.Method);
        var rules = model.Rules;
        var vocab = (int)model.Mlm.Config.VocabSize;
        // Validity per position kind as rows over the model's vocabulary: continuation, word start, whole word.
        var table = new bool[3 * vocab];
        for (var id = 0; id < vocab; id++)
        {
            table[id] = rules.IsValid(id, wordStart: false, onlySubwordOfWord: false);
            table[vocab + id] = rules.IsValid(id, wordStart: true, onlySubwordOfWord: false);
            table[2 * vocab + id] = rules.IsValid(id, wordStart: true, onlySubwordOfWord: true);
        }
        _validByKind = tensor(table, 3, vocab, device: model.Mlm.Device);
        _forbiddenWords = new HashSet<string>(model.Markers.AllMarkers, StringComparer.Ordinal);
        for (var id = 0; id < model.Tokenizer.VocabSize; id++)
        {
            if (model.Tokenizer.IsSpecial(id) || model.Tokenizer.IsAdded(id))
                _forbiddenWords.Add(model.Tokenizer.IdToPiece(id));
        }
    }

    /// <summary>The name in provenance and rewrite ids.</summary>
    public string MethodName { get; }

    public void Dispose() => _validByKind.Dispose();

    /// <summary>
    /// R rounds over <paramref name="sentences"/>; sentences without entities are counted and left
    /// alone. Rewrites identical to their source or to an earlier rewrite of it are dropped.
    /// </summary>
    public GenerationResult Generate(IReadOnlyList<Sentence> sentences, IProgress<ProgressUpdate>? progress = null, string source = "input")
    {
        MelmFineTuner.CheckIds(sentences, source);
        _model.CheckCovers(sentences, source);
        var items = new List<GenerationItem>();
        var withEntities = 0;
        for (var i = 0; i < sentences.Count; i++)
        {
            if (!sentences[i].Tags.Any(t => t != Tag.OutsideText))
                continue;
            withEntities++;
            for (var round = 1; round <= _options.Rounds; round++)
                items.Add(new GenerationItem(sentences[i], i, round));
        }
        var made = RewriteItems(items, progress, source);
        var kept = new List<Rewrite>();
        var dropped = new List<DroppedRewrite>();
        foreach (var group in made.GroupBy(r => r.SourceIndex))
        {
            var seen = new List<IReadOnlyList<string>> { sentences[group.Key].Tokens };
            foreach (var rewrite in group)
            {
                var tokens = rewrite.Sentence.Tokens;
                if (tokens.SequenceEqual(seen[0], StringComparer.Ordinal))
                    dropped.Add(new(rewrite, rewrite.KeptOriginal == rewrite.MaskedSubwords ? DropReason.NoValidCandidate : DropReason.IdenticalToSource));
                else if (seen.Skip(1).Any(s => s.SequenceEqual(tokens, StringComparer.Ordinal)))
                    dropped.Add(new(rewrite, DropReason.Duplicate));
                else
                {
                    kept.Add(rewrite);
                    seen.Add(tokens);
                }
            }
        }
        var counts = new GenerationCounts(
            sentences.Count, withEntities, sentences.Count - withEntities, made.Count,
            made.Sum(r => (long)r.MaskedSubwords), made.Sum(r => (long)r.KeptOriginal), made.Sum(r => (long)r.SkippedEntityWords));
        return new GenerationResult(kept, dropped, counts);
    }

    /// <summary>
    /// One rewrite per item, in item order (no deduplication): the unit of work the run loop and
    /// the actors hand out. Items whose sentence has no entity come back unchanged.
    /// </summary>
    public IReadOnlyList<Rewrite> RewriteItems(IReadOnlyList<GenerationItem> items, IProgress<ProgressUpdate>? progress = null, string source = "input")
    {
        var maxSubwords = _model.Mlm.Config.MaxSequenceLength - 2;
        var results = new List<Rewrite>(items.Count);
        var done = 0;
        foreach (var chunk in Chunks(items, maxSubwords, source))
        {
            var rows = chunk.SelectMany(p => p.Rows).ToList();
            var rankings = new List<(int[] Ids, float[] Logits)>(rows.Sum(r => r.SourcePositions.Length));
            foreach (var batch in rows.Chunk(_options.BatchSize))
                rankings.AddRange(Rank(batch));
            var next = 0;
            foreach (var plan in chunk)
            {
                var count = plan.Rows.Sum(r => r.SourcePositions.Length);
                results.Add(Finish(plan, rankings.GetRange(next, count)));
                next += count;
            }
            done += chunk.Count;
            progress?.Report(new ProgressUpdate("generate", done, items.Count, "rewrites"));
        }
        return results;
    }

    /// <summary>An item's masks and the model rows (one per window) that predict them.</summary>
    private sealed record Plan(GenerationItem Item, MelmEncoding Encoding, bool[] Masked, StableRandom Random, List<GenerationRow> Rows, int Skipped);

    /// <summary>A model row, the sentence positions its masks stand for, and each one's candidate kind (a row of the validity table).</summary>
    private sealed record GenerationRow(MaskedRow Row, int[] SourcePositions, long[] Kinds);

    /// <summary>Items grouped so that each group fills about one batch of rows.</summary>
    private IEnumerable<List<Plan>> Chunks(IReadOnlyList<GenerationItem> items, int maxSubwords, string source)
    {
        var chunk = new List<Plan>();
        var rows = 0;
        foreach (var item in items)
        {
            var plan = MakePlan(item, maxSubwords, source);
            chunk.Add(plan);
            rows += plan.Rows.Count;
            if (rows >= _options.BatchSize)
            {
                yield return chunk;
                chunk = [];
                rows = 0;
            }
        }
        if (chunk.Count > 0)
            yield return chunk;
    }

    private Plan MakePlan(GenerationItem item, int maxSubwords, string source)
    {
        var sentence = item.Sentence;
        var encoding = _model.Encode(sentence);
        var random = SeedDerivation.For(_options.Seed, "generate", sentence.Id, item.Round);
        var masked = new bool[encoding.Length];
        var skipped = 0;
        var p = 0;
        while (p < encoding.Length)
        {
            var word = encoding.WordIndex[p];
            var end = p + 1;
            while (end < encoding.Length && word >= 0 && encoding.WordIndex[end] == word)
                end++;
            if (word >= 0 && encoding.IsEntity[p])
            {
                if (Enumerable.Range(p, end - p).Any(i => encoding.Ids[i] == XlmrTokenizer.Unk))
                    skipped++;
                else
                {
                    foreach (var offset in MaskSampler.PositionsForGeneration(end - p, _options.Mu, random))
                        masked[p + offset] = true;
                }
            }
            p = end;
        }
        var rows = new List<GenerationRow>();
        if (masked.Any(m => m))
        {
            foreach (var window in SubwordWindows.PlanFor(sentence, encoding, maxSubwords, source))
            {
                var ids = new int[window.End - window.Start + 2];
                ids[0] = XlmrTokenizer.Bos;
                ids[^1] = XlmrTokenizer.Eos;
                var positions = new List<int>();
                for (var i = window.Start; i < window.End; i++)
                {
                    ids[i - window.Start + 1] = masked[i] ? _model.Tokenizer.Mask : encoding.Ids[i];
                    if (masked[i] && i >= window.CoreStart && i < window.CoreEnd)
                        positions.Add(i);
                }
                if (positions.Count == 0)
                    continue;
                var row = new MaskedRow(ids, [.. positions.Select(i => i - window.Start + 1)], [.. positions.Select(i => encoding.Ids[i])]);
                var kinds = positions.Select(i => !encoding.IsWordStart[i] ? 0L : encoding.IsOnlySubword[i] ? 2L : 1L).ToArray();
                rows.Add(new GenerationRow(row, [.. positions], kinds));
            }
        }
        return new Plan(item, encoding, masked, random, rows, skipped);
    }

    /// <summary>Per masked position of the batch (row order, then position order): valid candidates, best first.</summary>
    private List<(int[] Ids, float[] Logits)> Rank(IReadOnlyList<GenerationRow> batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ids, attention, flat, _) = MaskedRow.Batch([.. batch.Select(b => b.Row)], XlmrTokenizer.Pad, _model.Mlm.Device);
        var kinds = tensor(batch.SelectMany(b => b.Kinds).ToArray(), device: _model.Mlm.Device);
        var logits = _model.Mlm.PredictAt(_model.Mlm.Encode(ids, attention), flat).to(ScalarType.Float32);
        var filtered = logits.masked_fill(_validByKind.index_select(0, kinds).logical_not(), float.NegativeInfinity);
        // A few more than k, as the picker may still refuse some (script, the original subword).
        var width = Math.Min((int)filtered.shape[1], _options.TopK * (_options.SameScript ? 8 : 2) + 8);
        var (values, indices) = filtered.topk(width, dim: 1);
        var valueArray = values.cpu().data<float>().ToArray();
        var indexArray = indices.cpu().data<long>().ToArray();
        var result = new List<(int[], float[])>((int)values.shape[0]);
        for (var r = 0; r < values.shape[0]; r++)
        {
            var keep = 0;
            while (keep < width && !float.IsNegativeInfinity(valueArray[r * width + keep]))
                keep++;
            result.Add((
                [.. indexArray.AsSpan(r * width, keep).ToArray().Select(i => (int)i)],
                valueArray.AsSpan(r * width, keep).ToArray()));
        }
        return result;
    }

    /// <summary>Draws the replacements in position order and builds the rewritten sentence.</summary>
    private Rewrite Finish(Plan plan, List<(int[] Ids, float[] Logits)> rankings)
    {
        var encoding = plan.Encoding;
        var newIds = encoding.Ids.ToArray();
        var fromRanking = new Dictionary<int, (int[] Ids, float[] Logits)>();
        var next = 0;
        foreach (var row in plan.Rows)
        {
            foreach (var position in row.SourcePositions)
                fromRanking[position] = rankings[next++];
        }
        var kept = 0;
        var sentence = plan.Item.Sentence;
        var scripts = _options.SameScript ? new Dictionary<int, IReadOnlySet<Script>>() : null;
        for (var p = 0; p < encoding.Length; p++)
        {
            if (!plan.Masked[p])
                continue;
            var word = encoding.WordIndex[p];
            IReadOnlySet<Script>? wordScripts = null;
            if (scripts is not null)
            {
                if (!scripts.TryGetValue(word, out wordScripts))
                    scripts[word] = wordScripts = UnicodeScript.ScriptsOf(sentence.Tokens[word]);
            }
            var (ids, logits) = fromRanking[p];
            var slot = new MaskedSlot(encoding.Ids[p], encoding.IsWordStart[p], encoding.IsOnlySubword[p], wordScripts);
            var pick = CandidatePicker.Pick(ids, logits, slot, _model.Rules, _options.TopK, _options.Sampling, plan.Random);
            if (pick is { } id)
                newIds[p] = id;
            else
                kept++;
        }

        var tokens = sentence.Tokens.ToArray();
        var masked = plan.Masked.Count(m => m);
        for (var p = 0; p < encoding.Length;)
        {
            var word = encoding.WordIndex[p];
            var end = p + 1;
            while (end < encoding.Length && word >= 0 && encoding.WordIndex[end] == word)
                end++;
            if (word >= 0 && Enumerable.Range(p, end - p).Any(i => plan.Masked[i]))
            {
                // Only words with a masked subword are decoded; the others keep their exact text.
                var text = string.Concat(Enumerable.Range(p, end - p).Select(i => _model.Rules.Surface(newIds[i])));
                if (text.Length == 0 || text.Any(char.IsWhiteSpace) || _forbiddenWords.Contains(text))
                    kept += Enumerable.Range(p, end - p).Count(i => plan.Masked[i] && newIds[i] != encoding.Ids[i]);
                else
                    tokens[word] = text;
            }
            p = end;
        }
        var provenance = new Provenance(sentence.Id, plan.Item.Round, MethodName);
        var rewritten = new Sentence($"{sentence.Id}/{MethodName}/r{plan.Item.Round}", sentence.Lang, tokens, sentence.Tags)
        {
            ExtraColumns = sentence.ExtraColumns,
            Provenance = provenance,
        };
        return new Rewrite(rewritten, plan.Item.SourceIndex, masked, kept, plan.Skipped);
    }
}
