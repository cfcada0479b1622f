using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// Tensor sums with a Scalar that lives as long as the process. TorchSharp 0.107's operators turn the
/// implicit alpha of a + b (and a literal in x - 1) into a Scalar that nothing keeps alive during the
/// native call: a garbage collection at that moment lets its finalizer free it while libtorch reads it,
/// a rare crash ("Expected false to be true" in Scalar::toFloat; dotnet/TorchSharp pull request 1434).
/// The loops that run most often (the CRF's forward algorithm, every encoder layer) add through here.
/// </summary>
public static class KeptScalars
{
    private static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + b for a Scalar b the caller keeps alive (a `using` around the call does).</summary>
    public static Tensor Plus(Tensor a, Scalar b) => a.add(b, One);

    /// <summary>a - 1 (a - b needs no help: TorchSharp's sub of two tensors passes no Scalar).</summary>
    public static Tensor MinusOne(Tensor a) => a.sub(One);
}
