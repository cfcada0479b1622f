using Melm.Models.Nn;

namespace Melm.Benchmarks;

/// <summary>
/// Analytic FLOPs of one forward pass (a multiply-add counts 2):
/// per token, layers * 2 * (4 h^2 + 2 h i) for the Q, K, V, output and feed-forward projections,
/// plus layers * 4 * t * h for QK^T and attention-times-V; per predicted position,
/// 2 * (h^2 + h v) for the LM head's dense layer and decoder. Backward costs twice the forward.
/// Embedding lookups, LayerNorm, softmax and GELU are left out (a few percent).
/// </summary>
public static class EncoderFlops
{
    public static double Forward(RobertaConfig c, int batch, int tokens, int predicted)
    {
        double h = c.HiddenSize, i = c.IntermediateSize, v = c.VocabSize, layers = c.NumHiddenLayers;
        var perToken = layers * 2 * (4 * h * h + 2 * h * i) + layers * 4 * tokens * h;
        var perPrediction = 2 * (h * h + h * v);
        return batch * tokens * perToken + predicted * perPrediction;
    }

    public static double ForwardBackward(RobertaConfig c, int batch, int tokens, int predicted) => 3 * Forward(c, batch, tokens, predicted);
}
