using TorchSharp;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// A bf16 autocast region for the RoBERTa modules (TorchSharp has no torch.autocast): inside
/// <see cref="Enter"/> matrix products run in bf16 and hand fp32 back to the fp32 parts
/// (residuals, LayerNorm, softmax). Per thread, like torch.autocast.
/// </summary>
public static class Autocast
{
    [ThreadStatic]
    private static int depth;

    public static bool IsEnabled => depth > 0;

    /// <summary>Turns bf16 autocast on until the returned scope is disposed; a no-op for fp32.</summary>
    public static IDisposable Enter(Precision precision) =>
        precision == Precision.Bf16Autocast ? new Region() : NoRegion.Instance;

    /// <summary>x W^T + b, in bf16 under autocast (fp32 result), else in the weight's dtype.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        if (!IsEnabled || weight.dtype != ScalarType.Float32)
            return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        var result = nn.functional.linear(input.to(ScalarType.BFloat16), weight.to(ScalarType.BFloat16), bias?.to(ScalarType.BFloat16));
        return result.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    private sealed class Region : IDisposable
    {
        private bool disposed;

        public Region() => depth++;

        public void Dispose()
        {
            if (disposed)
                return;
            disposed = true;
            depth--;
        }
    }

    private sealed class NoRegion : IDisposable
    {
        public static readonly NoRegion Instance = new();

        public void Dispose()
        {
        }
    }
}
