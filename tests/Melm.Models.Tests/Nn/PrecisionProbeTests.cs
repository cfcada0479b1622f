using Melm.Models.Nn;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Nn;

public sealed class PrecisionProbeTests
{
    [Fact]
    public void ChoosesBf16OnlyWhereItsMatmulIsClearlyFasterAndSaysWhatItMeasured()
    {
        var choice = PrecisionProbe.Choose(CPU, size: 256, repeats: 3);

        Assert.True(choice.Speedup > 0 && double.IsFinite(choice.Speedup), $"speedup {choice.Speedup}");
        Assert.Equal(choice.Speedup >= PrecisionProbe.Threshold ? Precision.Bf16Autocast : Precision.Fp32, choice.Chosen);
        Assert.StartsWith(choice.Chosen == Precision.Fp32 ? "fp32 (auto: bf16 matmul " : "bf16 (auto: bf16 matmul ", choice.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.49, "fp32 (auto: bf16 matmul 1.49x the speed of fp32; bf16 needs 1.5x)")]
    [InlineData(2.3, "bf16 (auto: bf16 matmul 2.30x the speed of fp32; bf16 needs 1.5x)")]
    public void DescribesTheChoice(double speedup, string expected) =>
        Assert.Equal(expected, new PrecisionChoice(speedup >= PrecisionProbe.Threshold ? Precision.Bf16Autocast : Precision.Fp32, speedup).Describe());
}
