using Melm.Models.Data;
using Melm.Models.Randomness;
using Melm.Models.Text;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>
/// MELM generation (paper 2.3): per (sentence, round), mask some subwords of every entity word,
/// predict them in one forward pass, and replace each by a draw among the top-k valid candidates.
/// Markers are removed and the source tags stay. Every draw comes from (seed, sentence id, round)
/// and is made in position order, so a rewrite does not depend on batch size, sentence order or
/// which machine made it (up to CPU/GPU rounding of the logits).
/// </summary>
public sealed class MelmGenerator : IRewriter, IDisposable
{
    private readonly MelmModel _model;
    private readonly GenerationOptions _options;
    private readonly Tensor _validByKind;
    private readonly HashSet<string> _forbiddenWords;
    private readonly bool _ownsModel;

    /// <param name="ownsModel">Dispose <paramref name="model"/> with the generator.</param>
    public MelmGenerator(MelmModel model, GenerationOptions options, bool ownsModel = false)
    {
        _ownsModel = ownsModel;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Rounds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TopK);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        _model = model;
        _options = options;
        Method = AugmentationMethods.Name(model.Method);
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
    public string Method { get; }

    public void Dispose()
    {
        _validByKind.Dispose();
        if (_ownsModel)
            _model.Dispose();
    }

    public string Description => _model.Method switch
    {
        AugmentationMethod.Melm => "MELM: entity subwords rewritten by the MLM fine-tuned on label-linearized sentences",
        AugmentationMethod.MelmNoMarkers => "MELM without linearization: entity subwords rewritten by the MLM fine-tuned on plain sentences",
        _ => "MLM-Entity: entity subwords rewritten by the pretrained MLM, no fine-tuning, no markers",
    };

    /// <summary>Refuses tags or languages the model has no marker for, and words too long for any window (ids: whoever reads the sentences, AugmentationRun or RunCorpus).</summary>
    public void Check(IReadOnlyList<Sentence> sentences, string source)
    {
        _model.CheckCovers(sentences, source);
        var maxSubwords = _model.Mlm.Config.MaxSequenceLength - 2;
        foreach (var sentence in sentences.Where(s => s.Tags.Any(t => t != Tag.OutsideText)))
            SubwordWindows.PlanFor(sentence, _model.Encode(sentence), maxSubwords, source);
    }

    /// <summary>
    /// One rewrite of every sentence with an entity for <paramref name="round"/>, in input order
    /// (see <see cref="IRewriter.Rewrite"/>). Long sentences are windowed; masks and draws come from
    /// (seed, sentence id, round).
    /// </summary>
    public IReadOnlyList<Rewrite> Rewrite(IReadOnlyList<Sentence> sentences, int round, IProgress<ProgressUpdate>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round);
        var items = sentences.Where(s => s.Tags.Any(t => t != Tag.OutsideText)).ToArray();
        var maxSubwords = _model.Mlm.Config.MaxSequenceLength - 2;
        var results = new List<Rewrite>(items.Length);
        var stage = $"{Method} round {round}";
        foreach (var chunk in Chunks(items, round, maxSubwords))
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
            progress?.Report(new ProgressUpdate(stage, results.Count, items.Length, "rewrites"));
        }
        return results;
    }

    /// <summary>An item's masks and the model rows (one per window) that predict them.</summary>
    private sealed record Plan(Sentence Sentence, int Round, MelmEncoding Encoding, bool[] Masked, StableRandom Random, List<GenerationRow> Rows, int Skipped);

    /// <summary>A model row, the sentence positions its masks stand for, and each one's candidate kind (a row of the validity table).</summary>
    private sealed record GenerationRow(MaskedRow Row, int[] SourcePositions, long[] Kinds);

    /// <summary>Items grouped so that each group fills about one batch of rows.</summary>
    private IEnumerable<List<Plan>> Chunks(IReadOnlyList<Sentence> sentences, int round, int maxSubwords)
    {
        var chunk = new List<Plan>();
        var rows = 0;
        foreach (var sentence in sentences)
        {
            var plan = MakePlan(sentence, round, maxSubwords);
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

    private Plan MakePlan(Sentence sentence, int round, int maxSubwords)
    {
        var encoding = _model.Encode(sentence);
        var random = SeedDerivation.For(_options.Seed, "generate", sentence.Id, round);
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
            foreach (var window in SubwordWindows.Plan(encoding, maxSubwords))
            {
                var (row, positions) = MaskedRow.ForWindow(encoding.Ids, masked, window, _model.Tokenizer.Mask);
                if (positions.Length == 0)
                    continue;
                var kinds = positions.Select(i => !encoding.IsWordStart[i] ? 0L : encoding.IsOnlySubword[i] ? 2L : 1L).ToArray();
                rows.Add(new GenerationRow(row, [.. positions], kinds));
            }
        }
        return new Plan(sentence, round, encoding, masked, random, rows, skipped);
    }

    /// <summary>Per masked position of the batch (row order, then position order): valid candidates, best first.</summary>
    private List<(int[] Ids, float[] Logits)> Rank(IReadOnlyList<GenerationRow> batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ids, attention, flat, _) = MaskedBatch.Of([.. batch.Select(b => b.Row)], XlmrTokenizer.Pad, _model.Mlm.Device);
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
        var sentence = plan.Sentence;
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
        var provenance = new Provenance(sentence.Id, plan.Round, Method);
        var rewritten = new Sentence($"{sentence.Id}/{Method}/r{plan.Round}", sentence.Lang, tokens, sentence.Tags)
        {
            ExtraColumns = sentence.ExtraColumns,
            TokenLanguages = sentence.TokenLanguages,
            Provenance = provenance,
        };
        return new Rewrite(rewritten, masked, kept, plan.Skipped);
    }
}
