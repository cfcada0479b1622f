using Melm.Models.Data;
using Melm.Models.Evaluation;
using Melm.Models.Text;
using static TorchSharp.torch;

namespace Melm.Models.Tagging;

/// <summary>Tags a gold corpus and scores the tags against its own (conlleval semantics): `ner eval`, the demo and the experiment grid.</summary>
public static class TaggerScore
{
    public static F1Report Of(NerTagger tagger, XlmrTokenizer tokenizer, Corpus gold, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var predicted = new NerPredictor(tagger, tokenizer, batchSize).Predict([.. gold.Sentences.Select(s => s.Tokens)]);
        return EntityF1.Score(gold.Sentences.Select((s, i) => (s.Tags, predicted[i])));
    }

    /// <summary>The same for a tagger folder, loaded on <paramref name="device"/> for the call.</summary>
    public static F1Report Of(string taggerFolder, Corpus gold, Device device)
    {
        var (tagger, tokenizer) = TaggerFolder.Load(taggerFolder, device);
        using (tagger)
            return Of(tagger, tokenizer, gold);
    }
}
