using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Evaluation;

/// <summary>
/// Entity-level micro precision, recall and F1. By default entities are read as conlleval reads them
/// (<see cref="EntitySpans.Read"/>: an I-X after O or after another type starts an entity). Strict
/// mode (seqeval's mode="strict") counts only well-formed entities of the given scheme: a
/// predicted I-X after O is no entity at all, so it can neither match nor count as predicted.
/// </summary>
public static class EntityF1
{
    public const string Overall = "overall";

    /// <summary>Scores aligned tag sequences; <paramref name="strict"/> null means conlleval semantics.</summary>
    public static F1Report Score(IEnumerable<(IReadOnlyList<string> Gold, IReadOnlyList<string> Predicted)> pairs, TagScheme? strict = null)
    {
        var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        int[] Row(string type) => counts.TryGetValue(type, out var row) ? row : counts[type] = new int[3];
        var sentences = 0;
        foreach (var (gold, predicted) in pairs)
        {
            if (gold.Count != predicted.Count)
                throw new ArgumentException($"sentence {sentences + 1}: {gold.Count} gold tags but {predicted.Count} predicted", nameof(pairs));
            var goldSpans = Spans(gold, strict);
            var predictedSpans = Spans(predicted, strict);
            foreach (var span in goldSpans)
                Row(span.Type)[0]++;
            foreach (var span in predictedSpans)
            {
                Row(span.Type)[1]++;
                if (goldSpans.Contains(span))
                    Row(span.Type)[2]++;
            }
            sentences++;
        }
        var perType = counts.Select(c => new EntityCounts(c.Key, c.Value[0], c.Value[1], c.Value[2])).ToList();
        var overall = new EntityCounts(Overall, perType.Sum(r => r.Gold), perType.Sum(r => r.Predicted), perType.Sum(r => r.Correct));
        return new F1Report(overall, perType, sentences, strict is { } scheme ? "strict " + TagSchemes.Name(scheme) : "conlleval");
    }

    /// <summary>Scores a predicted corpus against gold after checking they align (InputException otherwise).</summary>
    public static F1Report Score(Corpus gold, Corpus predicted, TagScheme? strict = null)
    {
        var problems = CheckAlignment(gold, predicted);
        if (problems.Count > 0)
            throw new InputException(problems);
        return Score(gold.Sentences.Zip(predicted.Sentences, (g, p) => (g.Tags, p.Tags)), strict);
    }

    /// <summary>Every way the two corpora fail to pair up: sentence count, token count or token text,
    /// named by the predicted file's line (and the gold line in the message).</summary>
    public static IReadOnlyList<InputProblem> CheckAlignment(Corpus gold, Corpus predicted)
    {
        var problems = new List<InputProblem>();
        var pairs = Math.Min(gold.Sentences.Count, predicted.Sentences.Count);
        for (var s = 0; s < pairs; s++)
        {
            var g = gold.Sentences[s];
            var p = predicted.Sentences[s];
            if (g.Tokens.Count != p.Tokens.Count)
            {
                problems.Add(new InputProblem(predicted.Source, p.FirstLine,
                    $"sentence {s + 1} has {p.Tokens.Count} tokens but the gold sentence{At(gold, g.FirstLine)} has {g.Tokens.Count}"));
                continue;
            }
            for (var i = 0; i < g.Tokens.Count; i++)
            {
                if (!string.Equals(g.Tokens[i], p.Tokens[i], StringComparison.Ordinal))
                {
                    problems.Add(new InputProblem(predicted.Source, p.LineOf(i),
                        $"token \"{p.Tokens[i]}\" differs from the gold token \"{g.Tokens[i]}\"{At(gold, g.LineOf(i))}"));
                    break;
                }
            }
        }
        if (gold.Sentences.Count != predicted.Sentences.Count)
        {
            problems.Add(new InputProblem(predicted.Source, null,
                $"{predicted.Sentences.Count} sentences but the gold file {gold.Source} has {gold.Sentences.Count}"));
        }
        return problems;
    }

    private static string At(Corpus corpus, int? line) => line is { } l ? $" ({corpus.Source}:{l})" : $" ({corpus.Source})";

    private static HashSet<EntitySpan> Spans(IReadOnlyList<string> tags, TagScheme? strict) =>
        [.. strict is { } scheme ? EntitySpans.ReadStrict(tags, scheme) : EntitySpans.Read(tags)];
}
