using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Augmentation;

/// <summary>
/// The output folder of every augmentation method (augment, codemix), rewrites in the order given,
/// which callers keep to (source sentence, round):
/// aug.conll and aug.jsonl (the kept rewrites; the JSON Lines carry provenance), train+aug.conll and
/// train+aug.jsonl (the training sentences, then the rewrites; the JSON Lines keep each sentence's
/// language), substitutions.jsonl when whole mentions were replaced (<see cref="SubstitutionLog"/>),
/// and summary.json, written last, so a folder with a summary is complete.
/// </summary>
public static class AugmentationOutput
{
    public const string AugmentedConll = "aug.conll";
    public const string AugmentedJsonLines = "aug.jsonl";
    public const string GoldPlusAugmented = "train+aug.conll";
    public const string GoldPlusAugmentedJsonLines = "train+aug.jsonl";
    public const string SubstitutionsFile = "substitutions.jsonl";
    public const string SummaryFile = "summary.json";

    /// <param name="training">The sentences the rewrites were made from, written before them in train+aug.</param>
    /// <param name="rewrites">The kept rewrites.</param>
    /// <param name="summary">Serialized to summary.json with snake_case names.</param>
    public static void Write<TSummary>(string folder, IReadOnlyList<Sentence> training, IReadOnlyList<AugmentedSentence> rewrites, TSummary summary)
    {
        Directory.CreateDirectory(folder);
        var sentences = rewrites.Select(r => r.Sentence).ToArray();
        Sentence[] both = [.. training, .. sentences];
        WriteAtomically(folder, AugmentedConll, path => ConllWriter.SerializeSentences(sentences, path));
        WriteAtomically(folder, AugmentedJsonLines, _ => JsonLines.Serialize(sentences));
        WriteAtomically(folder, GoldPlusAugmented, path => ConllWriter.SerializeSentences(both, path));
        WriteAtomically(folder, GoldPlusAugmentedJsonLines, _ => JsonLines.Serialize(both));
        var log = Path.Combine(folder, SubstitutionsFile);
        if (rewrites.Any(r => r.Substitutions.Count > 0))
            WriteAtomically(folder, SubstitutionsFile, _ => SubstitutionLog.Serialize(rewrites));
        else
            File.Delete(log);
        WriteAtomically(folder, SummaryFile, _ => JsonSerializer.SerializeToUtf8Bytes(summary, MelmFolderInfo.JsonOptions).Append((byte)'\n').ToArray());
    }

    /// <summary>Reads the summary.json of an `augment` folder; null when the folder has none (not run, or not finished).</summary>
    public static AugmentationSummary? ReadSummary(string folder)
    {
        var path = Path.Combine(folder, SummaryFile);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<AugmentationSummary>(File.ReadAllBytes(path), MelmFolderInfo.JsonOptions)
                ?? throw new InputException(path, null, "empty JSON");
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not an augmentation summary: {e.Message}");
        }
    }

    private static void WriteAtomically(string folder, string name, Func<string, byte[]> bytes)
    {
        var path = Path.Combine(folder, name);
        AtomicFile.Write(path, bytes(path));
    }
}
