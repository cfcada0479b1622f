using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Nn;
using Melm.Models.Randomness;
using Melm.Models.Text;
using Melm.Models.Tagging;

namespace Melm.Models.Tests.Ner;

/// <summary>
/// A word-level tagging rule a tiny random encoder learns in seconds: first names from a list are
/// PER (with a following surname as I-PER), a word after "in" is LOC, everything else O.
/// </summary>
internal static class SyntheticNer
{
    private static readonly string[] FirstNames = ["Anna", "Boris", "Clara", "David", "Elena", "Felix", "Greta", "Hugo"];
    private static readonly string[] Surnames = ["Smith", "Novak", "Berg", "Costa"];
    private static readonly string[] Places = ["Paris", "Berlin", "Madrid", "Oslo", "Rome", "Vienna", "Lisbon", "Prague"];
    private static readonly string[] Fillers = ["the", "a", "went", "saw", "met", "yesterday", "house", "big", "small", "and", "with", "friend", "today", "lived"];

    public static XlmrTokenizer Tokenizer() => XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer"));

    /// <summary>A tiny encoder over the demo tokenizer's vocabulary; a window of 18 tokens, so long sentences take several.</summary>
    public static RobertaConfig Config(XlmrTokenizer tokenizer) => new()
    {
        VocabSize = tokenizer.VocabSize, HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2,
        IntermediateSize = 64, MaxPositionEmbeddings = 20,
    };

    public static Corpus Corpus(string name, int count, ulong seed, int maxTokens = 10)
    {
        var sentences = new List<Sentence>();
        for (var s = 0; s < count; s++)
        {
            var rng = SeedDerivation.For(seed, name, "", s);
            var tokens = new List<string>();
            var tags = new List<string>();
            var length = 3 + rng.NextInt(maxTokens - 2);
            while (tokens.Count < length)
            {
                switch (rng.NextInt(4))
                {
                    case 0:
                        tokens.Add(FirstNames[rng.NextInt(FirstNames.Length)]);
                        tags.Add("B-PER");
                        if (rng.NextInt(2) == 0)
                        {
                            tokens.Add(Surnames[rng.NextInt(Surnames.Length)]);
                            tags.Add("I-PER");
                        }
                        break;
                    case 1:
                        tokens.AddRange(["in", Places[rng.NextInt(Places.Length)]]);
                        tags.AddRange(["O", "B-LOC"]);
                        break;
                    default:
                        tokens.Add(Fillers[rng.NextInt(Fillers.Length)]);
                        tags.Add("O");
                        break;
                }
            }
            sentences.Add(new Sentence($"{name}:{s}", "en", tokens, tags) { Lines = Enumerable.Range(1, tokens.Count).ToArray() });
        }
        return new Corpus(name + ".txt", sentences);
    }

    /// <summary>Options that learn the task quickly: a high learning rate for so small a model.</summary>
    public static NerTrainingOptions Options(ulong seed, int epochs) => new()
    {
        Seed = seed, LearningRate = 3e-3, CrfLearningRate = 3e-2, Epochs = epochs, BatchSize = 16, MaxGradNorm = 1.0,
    };

    public static NerTagger NewTagger(XlmrTokenizer tokenizer, TaggerLabels labels, ulong seed)
    {
        using var encoder = new RobertaForMaskedLM(Config(tokenizer), (long)seed);
        return NerTagger.FromMaskedLm(encoder, labels, seed);
    }
}
