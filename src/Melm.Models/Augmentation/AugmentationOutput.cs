using System.Text.Json;
using Melm.Models.Data;

namespace Melm.Models.Augmentation;

/// <summary>The files of an augmentation run, all ordered by (source sentence, round).</summary>
public static class AugmentationOutput
{
    public const string AugmentedConll = "aug.conll";
    public const string AugmentedJsonLines = "aug.jsonl";
    public const string GoldPlusAugmented = "train+aug.conll";
    public const string SummaryFile = "summary.json";

    /// <summary>
    /// Writes aug.conll and aug.jsonl (the kept rewrites), train+aug.conll (the gold sentences, then
    /// the kept rewrites) and summary.json into <paramref name="folder"/>.
    /// </summary>
    public static void Write(string folder, IReadOnlyList<Sentence> gold, IReadOnlyList<Rewrite> kept, AugmentationSummary summary) =>
        Write(folder, gold, kept.OrderBy(r => r.SourceIndex).ThenBy(r => r.Round).Select(r => r.Sentence).ToArray(), summary);

    /// <summary>The same files from rewrites already in output order (a distributed run's assembly).</summary>
    public static void Write(string folder, IReadOnlyList<Sentence> gold, IReadOnlyList<Sentence> rewrites, AugmentationSummary summary)
    {
        Directory.CreateDirectory(folder);
        ConllWriter.WriteSentences(rewrites, Path.Combine(folder, AugmentedConll));
        JsonLines.Write(rewrites, Path.Combine(folder, AugmentedJsonLines));
        ConllWriter.WriteSentences([.. gold, .. rewrites], Path.Combine(folder, GoldPlusAugmented));
        File.WriteAllText(Path.Combine(folder, SummaryFile), JsonSerializer.Serialize(summary, MelmFolderInfo.JsonOptions) + "\n");
    }

    /// <summary>The summary.json that <see cref="Write(string, IReadOnlyList{Sentence}, IReadOnlyList{Sentence}, AugmentationSummary)"/> left in the folder.</summary>
    public static AugmentationSummary ReadSummary(string folder) =>
        JsonSerializer.Deserialize<AugmentationSummary>(File.ReadAllBytes(Path.Combine(folder, SummaryFile)), MelmFolderInfo.JsonOptions)
            ?? throw new InvalidDataException($"{Path.Combine(folder, SummaryFile)} holds null");
}
