using Melm.Models.Baselines;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Randomness;

namespace Melm.Models.CodeMix;

/// <summary>
/// Code-mixing (paper 2.5), the step before multilingual MELM: each entity of type y in a sentence
/// of language l is replaced by a type-y mention of a target language drawn uniformly from the
/// other languages that have type-y mentions. Code-Mix picks the target mention whose vector is
/// most cosine-similar to the original's; Code-Mix-random picks one uniformly. Each (sentence,
/// round) gives at most one mixed sentence, id "&lt;source id&gt;/&lt;method&gt;/r&lt;round&gt;", with the
/// source's language; each substitution records the substitute's language
/// (<see cref="AugmentedSentence.TokenLanguages"/>). Draws come from (seed, method, sentence id, round).
/// </summary>
public static class CodeMixer
{
    public const string Method = "code-mix";
    public const string RandomMethod = "code-mix-random";

    /// <summary>Code-Mix: nearest neighbour by cosine under <paramref name="embedder"/>; a mention without a vector gets a random substitute, counted.</summary>
    public static CodeMixResult MixNearest(IReadOnlyList<Sentence> sentences, TagScheme scheme, int rounds, ulong seed, IMentionEmbedder embedder)
    {
        var inventory = Prepare(sentences, rounds);
        var index = new VectorIndex(inventory, embedder);
        return Mix(sentences, inventory, scheme, rounds, seed, Method, $"code-mix by cosine nearest neighbour over {embedder.Description}", index);
    }

    /// <summary>Code-Mix-random: a uniformly random type-y mention of the target language.</summary>
    public static CodeMixResult MixRandom(IReadOnlyList<Sentence> sentences, TagScheme scheme, int rounds, ulong seed)
    {
        var inventory = Prepare(sentences, rounds);
        return Mix(sentences, inventory, scheme, rounds, seed, RandomMethod, "code-mix with uniformly random target mentions", index: null);
    }

    private static MentionInventory Prepare(IReadOnlyList<Sentence> sentences, int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        var problems = sentences.Where(s => s.Lang is null).Take(InputException.MaxListed + 1)
            .Select(s => new InputProblem(s.Id, s.FirstLine, "sentence has no language: code-mixing needs each training set's language")).ToList();
        if (problems.Count > 0)
            throw new InputException(problems);
        var languages = sentences.Select(s => s.Lang!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (languages.Length < 2)
            throw new InputException("training sets", null, $"code-mixing needs sentences of at least two languages, found {(languages.Length == 0 ? "none" : string.Join(", ", languages))}");
        return MentionInventory.From(sentences);
    }

    private static CodeMixResult Mix(IReadOnlyList<Sentence> sentences, MentionInventory inventory, TagScheme scheme, int rounds, ulong seed,
        string method, string description, VectorIndex? index)
    {
        var collector = new RewriteCollector(method);
        var counts = new Dictionary<(string Source, string? Target, string Type), (int Substituted, int Fallbacks, int Kept)>();
        void Count(string source, string? target, string type, int substituted, int fallbacks, int kept)
        {
            var c = counts.GetValueOrDefault((source, target, type));
            counts[(source, target, type)] = (c.Substituted + substituted, c.Fallbacks + fallbacks, c.Kept + kept);
        }
        var targetsByType = new Dictionary<(string Lang, string Type), string[]>();
        string[] TargetsOf(string lang, string type)
        {
            if (!targetsByType.TryGetValue((lang, type), out var targets))
            {
                targets = inventory.Languages.Where(l => l is not null && l != lang && inventory.Of(l, type).Count > 0).Select(l => l!).ToArray();
                targetsByType[(lang, type)] = targets;
            }
            return targets;
        }
        foreach (var sentence in sentences)
        {
            var lang = sentence.Lang!;
            var entities = sentence.Entities();
            if (entities.Count == 0)
            {
                collector.CountSentence(Reasons.NoEntities, rounds);
                continue;
            }
            for (var round = 1; round <= rounds; round++)
            {
                var rng = SeedDerivation.For(seed, method, sentence.Id, round);
                var choices = new List<MentionChoice>();
                foreach (var entity in entities)
                {
                    var targets = TargetsOf(lang, entity.Type);
                    if (targets.Length == 0)
                    {
                        collector.CountMention(Reasons.NoOtherLanguageWithType);
                        Count(lang, null, entity.Type, 0, 0, 1);
                        continue;
                    }
                    var target = targets[rng.NextInt(targets.Length)];
                    var candidates = inventory.Of(target, entity.Type);
                    var choice = index is null
                        ? new MentionChoice(entity, candidates[rng.NextInt(candidates.Count)], Choices.Random)
                        : index.Choose(sentence, entity, target, candidates)
                            ?? new MentionChoice(entity, candidates[rng.NextInt(candidates.Count)], index.WhyNoVector(sentence, entity));
                    var fallback = index is not null && choice.Choice != Choices.Nearest;
                    collector.CountMention(fallback ? choice.Choice : Reasons.Substituted);
                    Count(lang, target, entity.Type, fallback ? 0 : 1, fallback ? 1 : 0, 0);
                    choices.Add(choice);
                }
                collector.Offer(sentence, SentenceRewriter.Rewrite(sentence, choices, scheme, method, round));
            }
        }
        var rows = counts.OrderBy(p => p.Key.Source, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Target ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.Key.Type, StringComparer.Ordinal)
            .Select(p => new CodeMixCount(p.Key.Source, p.Key.Target, p.Key.Type, p.Value.Substituted, p.Value.Fallbacks, p.Value.Kept))
            .ToArray();
        return new CodeMixResult(collector.Result(description), rows);
    }

    /// <summary>The vectors of every inventory mention, embedded once per language, and a cosine index per (language, type).</summary>
    private sealed class VectorIndex
    {
        private readonly MentionInventory _inventory;
        private readonly Dictionary<(string Lang, string Type), IReadOnlyList<float[]?>> _vectors = [];
        private readonly Dictionary<(string Lang, string Type), NearestNeighbours> _neighbours = [];
        private readonly Dictionary<(string Lang, string Type, int Mention, string Target), (int Index, double Similarity)?> _nearest = [];

        public VectorIndex(MentionInventory inventory, IMentionEmbedder embedder)
        {
            _inventory = inventory;
            foreach (var lang in inventory.Languages)
            {
                var types = inventory.TypesOf(lang);
                var mentions = types.SelectMany(t => inventory.Of(lang, t)).ToArray();
                var vectors = embedder.Embed(lang!, mentions.Select(m => m.Tokens).ToArray());
                if (vectors.Count != mentions.Length)
                    throw new InvalidOperationException($"{embedder.Description} returned {vectors.Count} vectors for {mentions.Length} mentions");
                var offset = 0;
                foreach (var type in types)
                {
                    var count = inventory.Of(lang, type).Count;
                    _vectors[(lang!, type)] = vectors.Skip(offset).Take(count).ToArray();
                    offset += count;
                }
            }
        }

        /// <summary>The nearest target mention, or null when the original or every target lacks a vector.</summary>
        public MentionChoice? Choose(Sentence sentence, EntitySpan entity, string target, IReadOnlyList<Mention> candidates)
        {
            var source = PositionOf(sentence, entity);
            var key = (sentence.Lang!, entity.Type, source, target);
            // A mention recurs across sentences and rounds: its neighbour in a language is searched once.
            if (!_nearest.TryGetValue(key, out var nearest))
            {
                var query = _vectors[(sentence.Lang!, entity.Type)][source];
                _nearest[key] = nearest = query is null ? null : Neighbours(target, entity.Type).Nearest(query);
            }
            return nearest is { } found ? new MentionChoice(entity, candidates[found.Index], Choices.Nearest, found.Similarity) : null;
        }

        public string WhyNoVector(Sentence sentence, EntitySpan entity) =>
            _vectors[(sentence.Lang!, entity.Type)][PositionOf(sentence, entity)] is null ? Choices.RandomSourceWithoutVector : Choices.RandomTargetsWithoutVector;

        private int PositionOf(Sentence sentence, EntitySpan entity) =>
            _inventory.IndexOf(sentence.Lang, entity.Type, sentence.Tokens.Skip(entity.Start).Take(entity.Length).ToArray());

        private NearestNeighbours Neighbours(string lang, string type)
        {
            if (!_neighbours.TryGetValue((lang, type), out var neighbours))
                _neighbours[(lang, type)] = neighbours = new NearestNeighbours(_vectors[(lang, type)]);
            return neighbours;
        }
    }
}
