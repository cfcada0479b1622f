using Melm.Models.Nn;

namespace Melm.Models.Runs;

/// <summary>One MELM processor per device name ("cpu", "cuda:0"), each with its own model replicas.</summary>
public sealed class MelmItemProcessorFactory : IWorkItemProcessorFactory
{
    public IWorkItemProcessor Create(string device) => new MelmItemProcessor(ComputeOptions.ParseDevice(device, "device"));
}
