using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Nn;

public class ComputeOptionsTests
{
    [Fact]
    public void CpuIsTheDefault()
    {
        Assert.Equal(TorchSharp.DeviceType.CPU, ComputeOptions.Cpu.Apply().type);
        Assert.Equal(Precision.Fp32, ComputeOptions.Cpu.Precision);
    }

    [Fact]
    public void UnknownDevicesAndBadThreadCountsAreRefused()
    {
        Assert.Contains("'gpu' is not known", Assert.Throws<InputException>(() => ComputeOptions.ParseDevice("gpu", "--device")).Message, StringComparison.Ordinal);
        Assert.Contains("cuda:N", Assert.Throws<InputException>(() => ComputeOptions.ParseDevice("cuda:x", "--device")).Message, StringComparison.Ordinal);
        Assert.Contains("must be positive", Assert.Throws<InputException>(() => new ComputeOptions(Threads: 0).Apply("--threads")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaIsRefusedClearlyWhereThereIsNone()
    {
        if (cuda.is_available())
            Assert.Skip("a GPU is visible: this checks the message shown where there is none");
        var e = Assert.Throws<InputException>(() => ComputeOptions.ParseDevice("cuda:0", "--device"));
        Assert.Contains("CUDA is not available", e.Message, StringComparison.Ordinal);
    }
}
