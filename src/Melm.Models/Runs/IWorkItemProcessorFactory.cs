namespace Melm.Models.Runs;

/// <summary>Makes the processor for one device ("cpu", "cuda:0"): each holds its own model replicas.</summary>
public interface IWorkItemProcessorFactory
{
    IWorkItemProcessor Create(string device);
}
