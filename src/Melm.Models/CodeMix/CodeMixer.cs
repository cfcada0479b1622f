using Melm.Models.Augmentation;
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
/// It is an <see cref="IRewriter"/>, so its rounds, repeats and outputs work as every method's do.
/// </summary>
public sealed class CodeMixer : IRewriter
{
    public const string NearestMethod = "code-mix";
    public const string RandomMethod = "code-mix-random";

    private readonly MentionInventory _inventory;
    private readonly TagScheme _scheme;
    private readonly ulong _seed;
    private readonly VectorIndex? _index;
    private readonly Dictionary<(string Lang, string Type), string[]> _targets = [];

    private CodeMixer(MentionInventory inventory, TagScheme scheme, ulong seed, string method, string description, VectorIndex? index)
    {
        _inventory = inventory;
        _scheme = scheme;
        _seed = seed;
        Method = method;
        Description = description;
        _index = index;
    }

    public string Method { get; }

    public string Description { get; }

    /// <summary>Code-Mix: nearest neighbour by cosine under <paramref name="embedder"/>; a mention without a vector gets a random substitute, named in its choice.</summary>
    public static CodeMixer Nearest(IReadOnlyList<Sentence> training, TagScheme scheme, ulong seed, IMentionEmbedder embedder)
    {
        var inventory = Prepare(training);
        return new CodeMixer(inventory, scheme, seed, NearestMethod, $"code-mix by cosine nearest neighbour over {embedder.Description}", new VectorIndex(inventory, embedder));
    }

    /// <summary>Code-Mix-random: a uniformly random type-y mention of the target language.</summary>
    public static CodeMixer Random(IReadOnlyList<Sentence> training, TagScheme scheme, ulong seed) =>
        new(Prepare(training), scheme, seed, RandomMethod, "code-mix with uniformly random target mentions", index: null);

    /// <summary>R rounds of Code-Mix over <paramref name="sentences"/>, which are also the mentions drawn from.</summary>
    public static CodeMixResult MixNearest(IReadOnlyList<Sentence> sentences, TagScheme scheme, int rounds, ulong seed, IMentionEmbedder embedder) =>
        Mix(Nearest(sentences, scheme, seed, embedder), sentences, rounds);

    /// <summary>R rounds of Code-Mix-random over <paramref name="sentences"/>, which are also the mentions drawn from.</summary>
    public static CodeMixResult MixRandom(IReadOnlyList<Sentence> sentences, TagScheme scheme, int rounds, ulong seed) =>
        Mix(Random(sentences, scheme, seed), sentences, rounds);

    public void Check(IReadOnlyList<Sentence> sentences, string source)
    {
        SentenceIds.CheckUnique(sentences, source);
        var problems = sentences.Where(s => s.Lang is null).Take(InputException.MaxListed + 1)
            .Select(s => new InputProblem(source, s.FirstLine, $"sentence {s.Id} has no language: code-mixing needs each sentence's language")).ToList();
        if (problems.Count > 0)
            throw new InputException(problems);
    }

    public IReadOnlyList<Rewrite> Rewrite(IReadOnlyList<Sentence> sentences, int round, IProgress<ProgressUpdate>? progress = null) =>
        SentenceRewriter.RewriteEach(sentences, round, _seed, Method, _scheme, Choose, progress);

    private MentionChoice? Choose(Sentence sentence, EntitySpan entity, StableRandom rng)
    {
        var lang = sentence.Lang ?? throw new ArgumentException($"sentence {sentence.Id} has no language", nameof(sentence));
        // A type no other language has keeps its mention; Counts reports it.
        var targets = TargetsOf(lang, entity.Type);
        if (targets.Length == 0)
            return null;
        var target = targets[rng.NextInt(targets.Length)];
        var candidates = _inventory.Of(target, entity.Type);
        return _index is null
            ? new MentionChoice(entity, candidates[rng.NextInt(candidates.Count)], Choices.Random)
            : _index.Choose(sentence, entity, target, candidates)
                ?? new MentionChoice(entity, candidates[rng.NextInt(candidates.Count)], _index.WhyNoVector(sentence, entity));
    }

    /// <summary>
    /// Per (source language, target language, type), what became of the mentions of every rewrite
    /// made, kept or dropped: substituted, substituted at random for want of a vector, or kept
    /// because no other language has the type.
    /// </summary>
    public static IReadOnlyList<CodeMixCount> Count(IReadOnlyList<Sentence> sources, AugmentationOutcome outcome)
    {
        var byId = sources.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var counts = new Dictionary<(string Source, string Target, string Type), (int Substituted, int Fallbacks, int Kept)>();
        foreach (var rewrite in outcome.Made)
        {
            var source = byId[rewrite.SourceId];
            var byOriginal = rewrite.Substitutions.ToDictionary(s => s.Original);
            foreach (var entity in source.Entities())
            {
                var substitution = byOriginal.GetValueOrDefault(entity);
                var key = (source.Lang!, substitution?.Substitute.Lang ?? "", entity.Type);
                var c = counts.GetValueOrDefault(key);
                var fallback = substitution?.Choice is Choices.RandomSourceWithoutVector or Choices.RandomTargetsWithoutVector;
                counts[key] = substitution is null ? c with { Kept = c.Kept + 1 }
                    : fallback ? c with { Fallbacks = c.Fallbacks + 1 }
                    : c with { Substituted = c.Substituted + 1 };
            }
        }
        return [.. counts.OrderBy(p => p.Key.Source, StringComparer.Ordinal).ThenBy(p => p.Key.Target, StringComparer.Ordinal).ThenBy(p => p.Key.Type, StringComparer.Ordinal)
            .Select(p => new CodeMixCount(p.Key.Source, p.Key.Target.Length == 0 ? null : p.Key.Target, p.Key.Type, p.Value.Substituted, p.Value.Fallbacks, p.Value.Kept))];
    }

    private static CodeMixResult Mix(CodeMixer mixer, IReadOnlyList<Sentence> sentences, int rounds)
    {
        var outcome = AugmentationRun.Run(mixer, sentences, rounds, filter: null);
        return new CodeMixResult(mixer.Method, mixer.Description, outcome, Count(sentences, outcome));
    }

    private static MentionInventory Prepare(IReadOnlyList<Sentence> sentences)
    {
        var problems = sentences.Where(s => s.Lang is null).Take(InputException.MaxListed + 1)
            .Select(s => new InputProblem(s.Id, s.FirstLine, "sentence has no language: code-mixing needs each training set's language")).ToList();
        if (problems.Count > 0)
            throw new InputException(problems);
        var languages = sentences.Select(s => s.Lang!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (languages.Length < 2)
            throw new InputException("training sets", null, $"code-mixing needs sentences of at least two languages, found {(languages.Length == 0 ? "none" : string.Join(", ", languages))}");
        return MentionInventory.From(sentences);
    }

    private string[] TargetsOf(string lang, string type)
    {
        if (!_targets.TryGetValue((lang, type), out var targets))
        {
            targets = _inventory.Languages.Where(l => l is not null && l != lang && _inventory.Of(l, type).Count > 0).Select(l => l!).ToArray();
            _targets[(lang, type)] = targets;
        }
        return targets;
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
