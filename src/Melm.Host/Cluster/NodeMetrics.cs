using System.Net;
using Melm.Actors.Metrics;
using Melm.Models.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Melm.Host.Cluster;

/// <summary>
/// A node's metrics: the "Melm" meter (MelmMetrics) and .NET's runtime and process instruments,
/// served as Prometheus text on GET /metrics of the node's endpoint and pushed over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set. The exporter's own HttpListener takes the /metrics/ prefix
/// on the endpoint's host and port; HttpListener routes by the longest prefix, so it shares the
/// port with the StatusServer, which keeps every other path.
/// </summary>
internal static class NodeMetrics
{
    public const string OtlpVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Starts the exporters; null when there is nothing to export to (no endpoint, no OTLP collector).</summary>
    /// <param name="endpointHost">The endpoint's --status-host, or null when the node serves none.</param>
    public static MeterProvider? Start(string? endpointHost, int endpointPort, string nodeAddress)
    {
        var otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpVariable));
        if (endpointHost is null && !otlp)
            return null;
        var builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("melm", serviceInstanceId: nodeAddress))
            .AddMeter(MelmMetrics.MeterName)
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation();
        if (endpointHost is not null)
        {
            // The endpoint's own prefix plus /metrics/, with HttpListener's "+" for every interface as StatusServer has it.
            var prefix = $"http://{(endpointHost is "0.0.0.0" or "::" or "[::]" ? "+" : endpointHost)}:{endpointPort}/metrics/";
            builder.AddPrometheusHttpListener(options => options.ConfigureHttpListener = (_, listener) =>
            {
                listener.Prefixes.Clear();
                listener.Prefixes.Add(prefix);
            });
        }
        if (otlp)
            builder.AddOtlpExporter();
        try
        {
            return builder.Build();
        }
        catch (InvalidOperationException e) when (e.InnerException is HttpListenerException listener)
        {
            throw new InputException("--metrics-host/--metrics-port", null, $"cannot serve /metrics on http://{endpointHost}:{endpointPort}/metrics: {listener.Message}");
        }
    }
}
