using System.Text.Json;
using System.Text.RegularExpressions;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// The Grafana dashboard and the README agree with each other: every Melm metric a panel queries
/// is one the README's table documents (the exporter's names: histograms add _bucket, _sum, _count),
/// so a renamed metric cannot leave a panel silently empty.
/// </summary>
public sealed partial class MonitoringFilesTests
{
    [Fact]
    public void EveryMelmMetricTheDashboardQueriesIsDocumented()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(SharedFiles.Repository("cluster-config/monitoring/grafana/melm-dashboard.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .SelectMany(target => MelmMetric().Matches(target.GetProperty("expr").GetString()!).Select(m => m.Value))
            .Select(name => HistogramSeries().Replace(name, ""))
            .ToHashSet(StringComparer.Ordinal);
        var readme = File.ReadAllText(SharedFiles.Repository("README.md"));
        var documented = DocumentedMetric().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queried);
        Assert.Empty(queried.Except(documented));
    }

    [GeneratedRegex(@"\bmelm_[a-z_]+")]
    private static partial Regex MelmMetric();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    /// <summary>A name in backquotes at the start of a row of the README's metric table, or after a comma in it.</summary>
    [GeneratedRegex(@"(?m)(?:^\| |, )`(melm_[a-z_]+)`")]
    private static partial Regex DocumentedMetric();
}
