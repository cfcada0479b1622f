using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Melm.Host.Cluster;

/// <summary>
/// The body of GET /healthz and GET /ready: the overall status and each check with its own status
/// and what it found, so a failing probe says which check failed and why.
/// </summary>
internal sealed record HealthAnswer(string Status, IReadOnlyList<HealthCheckAnswer> Checks)
{
    public static HealthAnswer From(HealthReport report) => new(
        report.Status.ToString(),
        [.. report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new HealthCheckAnswer(
            e.Key, e.Value.Status.ToString(), e.Value.Description, e.Value.Exception?.Message, Math.Round(e.Value.Duration.TotalMilliseconds, 1)))]);
}

/// <summary>One check of a HealthAnswer.</summary>
internal sealed record HealthCheckAnswer(string Name, string Status, string? Description, string? Error, double Milliseconds);
