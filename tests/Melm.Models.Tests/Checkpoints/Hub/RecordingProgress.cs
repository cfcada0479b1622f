using System.Collections.Concurrent;
using Melm.Models.Checkpoints.Hub;

namespace Melm.Models.Tests.Checkpoints.Hub;

/// <summary>Keeps every report, in order (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
internal sealed class RecordingProgress : IProgress<FetchProgress>
{
    public ConcurrentQueue<FetchProgress> Reports { get; } = new();

    public void Report(FetchProgress value) => Reports.Enqueue(value);
}
