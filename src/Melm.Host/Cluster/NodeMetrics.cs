using Melm.Actors.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Melm.Host.Cluster;

/// <summary>
/// A node's metrics: the "Melm" meter (MelmMetrics) and .NET's runtime and process instruments,
/// served as Prometheus text on GET /metrics by the node's StatusServer (OpenTelemetry's ASP.NET
/// Core exporter) and pushed over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
internal static class NodeMetrics
{
    public const string OtlpVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Starts the exporters; null when there is nothing to export to (no scrapes, no OTLP collector).</summary>
    /// <param name="scraped">Whether the StatusServer serves GET /metrics from this provider.</param>
    public static MeterProvider? Start(bool scraped, string nodeAddress)
    {
        var otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpVariable));
        if (!scraped && !otlp)
            return null;
        var builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("melm", serviceInstanceId: nodeAddress))
            .AddMeter(MelmMetrics.MeterName)
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation();
        if (scraped)
            builder.AddPrometheusExporter();
        if (otlp)
            builder.AddOtlpExporter();
        return builder.Build();
    }
}

/// <summary>GET /metrics from this provider on HOST:PORT: the endpoint's own port, or one of its own in plain HTTP.</summary>
internal sealed record MetricsEndpoint(MeterProvider Provider, string Host, int Port);
