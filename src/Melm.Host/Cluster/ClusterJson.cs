using System.Text.Json;

namespace Melm.Host.Cluster;

/// <summary>The one JSON shape of the status endpoint, its clients and `--json` outputs: snake_case, indented.</summary>
internal static class ClusterJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
}
