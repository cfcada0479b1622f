namespace Melm.Models.Nn;

/// <summary>How the encoder computes: plain fp32, or bf16 matrix products over fp32 weights.</summary>
public enum Precision
{
    /// <summary>Everything in fp32: the default, and what the golden checks use.</summary>
    Fp32,

    /// <summary>
    /// Autocast: linear layers and attention run in bf16 while weights, LayerNorm, softmax and the
    /// loss stay fp32, so training keeps fp32 master weights. Pays off on GPUs and AVX512-BF16 CPUs.
    /// </summary>
    Bf16Autocast,
}
