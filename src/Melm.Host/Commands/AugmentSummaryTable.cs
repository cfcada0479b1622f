using System.Globalization;
using Melm.Models.Augmentation;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>The summary of an augmentation run as two Spectre tables: counts, and entity strings per type.</summary>
internal static class AugmentSummaryTable
{
    public static void Write(IAnsiConsole console, AugmentationSummary summary)
    {
        var counts = new Table().AddColumn("").AddColumn(new TableColumn("count").RightAligned());
        void Row(string name, long value) => counts.AddRow(Markup.Escape(name), value.ToString(CultureInfo.InvariantCulture));
        Row("sentences read", summary.SentencesRead);
        Row("  with entities (rewritten)", summary.WithEntities);
        Row("  without entities (passed through)", summary.WithoutEntities);
        Row($"rewrites made ({summary.Method})", summary.RewritesMade);
        foreach (var (reason, count) in summary.Dropped)
            Row($"  dropped: {reason.Replace('_', ' ')}", count);
        Row("kept", summary.Kept);
        if (summary.MaskedSubwords > 0)
        {
            Row("masked subwords", summary.MaskedSubwords);
            Row("  kept original (no valid candidate)", summary.KeptOriginalSubwords);
            Row("entity words not rewritable (<unk>)", summary.SkippedEntityWords);
        }
        if (summary.MentionsSubstituted > 0)
            Row("mentions substituted", summary.MentionsSubstituted);
        counts.Caption($"{Markup.Escape(summary.Description)}; consistency filter: {Markup.Escape(summary.Filter)}");
        console.Write(counts);

        var types = new Table().AddColumn("type")
            .AddColumn(new TableColumn("unique in source").RightAligned())
            .AddColumn(new TableColumn("unique in rewrites").RightAligned())
            .AddColumn(new TableColumn("new").RightAligned())
            .AddColumn(new TableColumn("mentions in rewrites").RightAligned())
            .AddColumn(new TableColumn("not in source").RightAligned());
        foreach (var type in summary.EntityTypes)
            types.AddRow(Markup.Escape(type.Type), Number(type.SourceUnique), Number(type.RewriteUnique), Number(type.NewUnique),
                Number(type.RewriteMentions), Number(type.NewMentions));
        console.Write(types);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
