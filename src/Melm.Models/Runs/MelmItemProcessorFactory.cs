using Melm.Models.Nn;
using Melm.Models.Diagnostics;

namespace Melm.Models.Runs;

/// <summary>One MELM processor per device name ("cpu", "cuda:0"), each with its own model replicas.</summary>
/// <param name="curvesAt">Makes the training curves of a stage written to a folder; null: stages write none.</param>
/// <param name="say">Hears what a stage says it did; null: nobody.</param>
public sealed class MelmItemProcessorFactory(Func<string, ITrainingCurves>? curvesAt = null, Action<string>? say = null) : IWorkItemProcessorFactory
{
    public IWorkItemProcessor Create(string device) => new MelmItemProcessor(ComputeOptions.ParseDevice(device, "device"), curvesAt, say);
}
