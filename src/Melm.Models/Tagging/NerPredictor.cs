using Melm.Models.Augmentation;
using Melm.Models.Text;
using Melm.Models.Ner;

namespace Melm.Models.Tagging;

/// <summary>
/// Batch prediction with a tagger, as MELM's consistency filter and the filter actors call it:
/// sentences are sorted by length into batches to save padding, sentences longer than the model
/// window are tagged in overlapping windows (never cut), and the answers come back in the order asked. Not thread-safe: one predictor per thread or device.
/// </summary>
public sealed class NerPredictor : IConsistencyFilter
{
    private readonly NerTagger _tagger;
    private readonly XlmrTokenizer _tokenizer;
    private readonly int _batchSize;

    /// <param name="batchSize">Sentences per forward pass.</param>
    public NerPredictor(NerTagger tagger, XlmrTokenizer tokenizer, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _tagger = tagger;
        _tokenizer = tokenizer;
        _batchSize = batchSize;
    }

    public NerTagger Tagger => _tagger;

    public XlmrTokenizer Tokenizer => _tokenizer;

    /// <summary>One tag per token of each sentence, in the order given (an empty sentence gets none); in eval mode, the tagger's mode restored afterwards.</summary>
    /// <exception cref="ArgumentException">A token has more subwords than half the model window.</exception>
    public IReadOnlyList<IReadOnlyList<string>> Predict(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var inputs = sentences.Select(s => _tagger.Encode(_tokenizer, s)).ToArray();
        return PredictEncoded(inputs);
    }

    /// <summary>Tags already encoded sentences (see <see cref="NerTagger.Encode"/>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> PredictEncoded(IReadOnlyList<TaggerInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var result = new IReadOnlyList<string>[inputs.Count];
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i].SubwordCount).ToArray();
        var wasTraining = _tagger.training;
        _tagger.eval();
        try
        {
            foreach (var chunk in order.Chunk(_batchSize))
            {
                var paths = _tagger.Decode(chunk.Select(i => inputs[i]).ToList());
                for (var k = 0; k < chunk.Length; k++)
                    result[chunk[k]] = paths[k].Select(label => _tagger.Labels.Names[label]).ToArray();
            }
        }
        finally
        {
            _tagger.train(wasTraining);
        }
        return result;
    }
}
