using System.Text.Json;
using System.Text.Json.Serialization;
using Melm.Models.Data;

namespace Melm.Host.Experiments;

/// <summary>
/// One method's outcome in one cell: the final tagger's test scores, what it was trained on, and how
/// long each part took (seconds, as measured when the part ran, also when a later run resumed);
/// the same tagger's zero-shot scores on other languages' test sets when the grid asks for them,
/// and the augmentation's diagnostics (null in results written before they were measured).
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
    IReadOnlyList<TargetScore>? CrossLingual = null,
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
