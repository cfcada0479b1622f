using System.Text.Json;
using System.Text.Json.Serialization;
using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>
/// One method's outcome in one cell: the final tagger's test scores, what it was trained on, and how
/// long each part took (seconds, as measured when the part ran, also when a later run resumed);
/// the same tagger's scores on further test sets (<see cref="TestScores"/>: the cross-lingual targets of
/// a monolingual cell, every language of a multilingual one), and the augmentation's diagnostics
/// (null in results written before they were measured). A multilingual cell's result has
/// <see cref="MultilingualCell.Language"/> as its language and the mean over its languages as its F1.
/// </summary>
public sealed record CellResult(
    string Language,
    int N,
    int Seed,
    string Method,
    int GoldSentences,
    int AugmentedSentences,
    int TestSentences,
    double Precision,
    double Recall,
    double F1,
    int BestEpoch,
    double BestDevF1,
    IReadOnlyDictionary<string, double> Seconds,
    IReadOnlyList<TargetScore>? TestScores = null,
    CellDiagnostics? Diagnostics = null)
{
    public const string FileName = "result.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json));
    }

    /// <summary>The result a previous run saved in the folder, or null when that method has not finished there.</summary>
    public static CellResult? Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<CellResult>(File.ReadAllBytes(path), Json)
                ?? throw new InvalidDataException("the file holds null");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new Melm.Models.Diagnostics.InputException(path, null, $"not a result file of `melm experiment` ({e.Message}); delete it to rerun that method");
        }
    }
}
