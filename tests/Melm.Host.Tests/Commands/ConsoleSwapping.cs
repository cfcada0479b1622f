namespace Melm.Host.Tests.Commands;

/// <summary>Tests that swap Console.Error run alone, so no other test's output lands in their capture.</summary>
[CollectionDefinition(nameof(ConsoleSwapping), DisableParallelization = true)]
public sealed class ConsoleSwapping;
