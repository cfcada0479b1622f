using System.Globalization;
using Melm.Models.Diagnostics;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Where and how the model computes: device, precision, CPU threads.</summary>
/// <param name="Device">"cpu", "cuda" or "cuda:N".</param>
/// <param name="Precision">fp32 (default) or bf16 autocast.</param>
/// <param name="Threads">libtorch intra-op threads; null keeps libtorch's choice (one per core).</param>
public sealed record ComputeOptions(string Device = "cpu", Precision Precision = Precision.Fp32, int? Threads = null)
{
    public static ComputeOptions Cpu { get; } = new();

    /// <summary>Checks the options, sets the thread count and returns the TorchSharp device.</summary>
    /// <param name="source">What to name in an error (an option such as "--device").</param>
    public Device Apply(string source = "compute options")
    {
        if (Threads is { } threads)
        {
            if (threads <= 0)
                throw new InputException(source, null, $"thread count must be positive, got {threads}");
            set_num_threads(threads);
        }
        return ParseDevice(Device, source);
    }

    public static Device ParseDevice(string device, string source)
    {
        var text = device.Trim().ToLowerInvariant();
        if (text == "cpu")
            return CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (text.Length > 5 && !int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
                throw new InputException(source, null, $"device '{device}': expected cuda:N with N a GPU index");
            if (!cuda.is_available())
                throw new InputException(source, null, $"device '{device}': CUDA is not available (this build uses the CPU libtorch, or no GPU is visible)");
            if (index >= cuda.device_count())
                throw new InputException(source, null, $"device '{device}': only {cuda.device_count()} GPU(s) visible");
            return new Device(TorchSharp.DeviceType.CUDA, index);
        }
        throw new InputException(source, null, $"device '{device}' is not known (expected cpu, cuda or cuda:N)");
    }
}
