using Melm.Models.Data;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using Melm.Models.Randomness;

namespace Melm.Models.Baselines;

/// <summary>
/// Replaces whole mentions of a sentence by other mentions: a mention of m tokens becomes the
/// substitute's k tokens, and the tags are rewritten from the moved spans in the data's scheme, so
/// tags always match the new tokens. The rewrite has no extra columns, source lines or layout:
/// the substitutes have no POS or chunk columns in this context and the lines are not in any file.
/// </summary>
public static class SentenceRewriter
{
    /// <summary>Ids of rewrites: "&lt;source id&gt;/&lt;method&gt;/r&lt;round&gt;".</summary>
    public static string RewriteId(string sourceId, string method, int round) => $"{sourceId}/{method}/r{round}";

    /// <summary>
    /// The substitution loop of label-wise substitution and code-mixing: every sentence with entities
    /// draws from (seed, method, sentence id, round), gets a choice per entity from
    /// <paramref name="choose"/> (null keeps the mention) and becomes one rewrite.
    /// </summary>
    public static IReadOnlyList<Rewrite> RewriteEach(IReadOnlyList<Sentence> sentences, int round, ulong seed, string method, TagScheme scheme,
        Func<Sentence, EntitySpan, StableRandom, MentionChoice?> choose, IProgress<ProgressUpdate>? progress)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round);
        var rewrites = new List<Rewrite>();
        foreach (var sentence in sentences)
        {
            var entities = sentence.Entities();
            if (entities.Count == 0)
                continue;
            var rng = SeedDerivation.For(seed, method, sentence.Id, round);
            var choices = new List<MentionChoice>();
            foreach (var entity in entities)
            {
                if (choose(sentence, entity, rng) is { } choice)
                    choices.Add(choice);
            }
            var rewritten = Rewrite(sentence, choices, scheme, method, round);
            rewrites.Add(new Rewrite(rewritten.Sentence, 0, 0, 0) { Substitutions = rewritten.Substitutions });
        }
        progress?.Report(new ProgressUpdate($"{method} round {round}", rewrites.Count, rewrites.Count, "rewrites"));
        return rewrites;
    }

    /// <param name="choices">Non-overlapping entities of <paramref name="source"/> with their substitutes; other entities stay.</param>
    public static AugmentedSentence Rewrite(Sentence source, IReadOnlyList<MentionChoice> choices, TagScheme scheme, string method, int round)
    {
        var byStart = choices.ToDictionary(c => c.Original.Start);
        var tokens = new List<string>(source.Tokens.Count);
        var spans = new List<EntitySpan>();
        var substitutions = new List<Substitution>();
        var entities = source.Entities();
        var nextEntity = 0;
        for (var i = 0; i < source.Tokens.Count;)
        {
            while (nextEntity < entities.Count && entities[nextEntity].Start < i)
                nextEntity++;
            var entity = nextEntity < entities.Count && entities[nextEntity].Start == i ? entities[nextEntity] : (EntitySpan?)null;
            if (entity is not { } span)
            {
                tokens.Add(source.Tokens[i++]);
                continue;
            }
            var start = tokens.Count;
            if (byStart.Remove(span.Start, out var choice))
            {
                if (choice.Original != span)
                    throw new ArgumentException($"choice for {choice.Original} does not match entity {span} of {source.Id}", nameof(choices));
                tokens.AddRange(choice.Substitute.Tokens);
                var replaced = new EntitySpan(choice.Substitute.Type, start, tokens.Count);
                substitutions.Add(new Substitution(span, replaced, source.Tokens.Skip(span.Start).Take(span.Length).ToArray(),
                    choice.Substitute, choice.Choice, choice.Similarity));
                spans.Add(replaced);
            }
            else
            {
                tokens.AddRange(source.Tokens.Skip(span.Start).Take(span.Length));
                spans.Add(new EntitySpan(span.Type, start, tokens.Count));
            }
            i = span.End;
        }
        if (byStart.Count > 0)
            throw new ArgumentException($"choices at {string.Join(", ", byStart.Keys)} are not entities of {source.Id}", nameof(choices));
        var sentence = new Sentence(RewriteId(source.Id, method, round), source.Lang, tokens, EntitySpans.Write(spans, tokens.Count, scheme))
        {
            Provenance = new Provenance(source.Id, round, method),
        };
        return new AugmentedSentence(sentence, substitutions);
    }
}
