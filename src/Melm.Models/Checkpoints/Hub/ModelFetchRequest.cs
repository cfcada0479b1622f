namespace Melm.Models.Checkpoints.Hub;

/// <summary>What to fetch from a Hugging Face hub and where to put it.</summary>
/// <param name="Name">Repository name, e.g. `FacebookAI/xlm-roberta-base`.</param>
/// <param name="Revision">Branch, tag or commit.</param>
/// <param name="OutputDirectory">The model folder to fill; created when missing.</param>
/// <param name="Endpoint">The hub's base address, e.g. https://huggingface.co.</param>
/// <param name="Token">An access token sent as a Bearer header to the hub (never to other hosts), or null.</param>
/// <param name="FilePatterns">Glob patterns (`*`, `?`) choosing the files instead of the files Melm needs; null or empty for the default.</param>
public sealed record ModelFetchRequest(
    string Name,
    string Revision,
    string OutputDirectory,
    Uri Endpoint,
    string? Token = null,
    IReadOnlyList<string>? FilePatterns = null)
{
    /// <summary>How long a connection may stay silent before the download counts as failed.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
