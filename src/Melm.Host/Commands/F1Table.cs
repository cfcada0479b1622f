using System.Globalization;
using Melm.Models.Evaluation;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>The entity F1 table every evaluating command prints: a row per type, then the overall row.</summary>
internal static class F1Table
{
    public static Table Build(F1Report report)
    {
        var table = new Table().AddColumn("Type");
        foreach (var column in new[] { "Gold", "Predicted", "Correct", "Precision", "Recall", "F1" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in report.PerType)
            table.AddRow(Cells(row, Markup.Escape(row.Type)));
        table.AddRow(Cells(report.Overall, "[bold]" + EntityF1.Overall + "[/]"));
        return table;
    }

    private static string[] Cells(EntityCounts row, string name) =>
    [
        name,
        row.Gold.ToString(CultureInfo.InvariantCulture),
        row.Predicted.ToString(CultureInfo.InvariantCulture),
        row.Correct.ToString(CultureInfo.InvariantCulture),
        row.Precision.ToString("F2", CultureInfo.InvariantCulture),
        row.Recall.ToString("F2", CultureInfo.InvariantCulture),
        row.F1.ToString("F2", CultureInfo.InvariantCulture),
    ];
}
