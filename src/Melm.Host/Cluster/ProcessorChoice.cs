using System.Runtime.Loader;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Host.Cluster;

/// <summary>
/// The processor a node's workers run: MELM generation and filtering, and every stage (StageRunner:
/// preparation, experiment cells, code-mixing) with what they say printed; or, for the pipeline's own process tests, a stand-in from the
/// test-support assembly MELM_TEST_PROCESSOR names (its one public IWorkItemProcessorFactory, made
/// with its parameterless constructor). The stand-in ships with the tests, not with Melm.
/// </summary>
internal static class ProcessorChoice
{
    public const string Variable = "MELM_TEST_PROCESSOR";

    public static IWorkItemProcessorFactory FromEnvironment()
    {
        var assembly = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(assembly))
            return new MelmItemProcessorFactory(folder => new Commands.TensorBoardCurves(folder), Console.WriteLine);
        if (!File.Exists(assembly))
            throw new InputException(Variable, null, $"'{assembly}' is not a file: it must name the test-support assembly whose processor the pipeline's tests run");
        var factories = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(assembly)).GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IWorkItemProcessorFactory).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .ToArray();
        if (factories.Length != 1)
            throw new InputException(Variable, null, $"{assembly} has {factories.Length} public processor factories with a parameterless constructor; it needs exactly one");
        return (IWorkItemProcessorFactory)Activator.CreateInstance(factories[0])!;
    }
}
