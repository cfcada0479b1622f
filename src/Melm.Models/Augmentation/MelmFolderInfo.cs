using System.Text.Json;
using System.Text.Json.Serialization;
using Melm.Models.Diagnostics;

namespace Melm.Models.Augmentation;

/// <summary>
/// `melm.json` of a fine-tuned folder: what the model was fine-tuned for, so generation can refuse
/// tags and languages it never saw and use the same markers.
/// </summary>
/// <param name="Method">The method's name (see <see cref="AugmentationMethods"/>).</param>
/// <param name="Tags">The entity tags with a marker.</param>
/// <param name="Languages">The languages with a marker; empty for monolingual runs.</param>
/// <param name="TypeWords">The word each entity type's markers were initialised from.</param>
/// <param name="Scheme">The tag scheme of the training data.</param>
public sealed record MelmFolderInfo(
    string Method,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Languages,
    IReadOnlyDictionary<string, string> TypeWords,
    string Scheme)
{
    public const string FileName = "melm.json";

    /// <summary>The fine-tuning options; null before fine-tuning.</summary>
    public FineTuneOptions? FineTune { get; init; }

    /// <summary>The epoch whose weights the folder holds (1-based); 0 before fine-tuning.</summary>
    public int BestEpoch { get; init; }

    /// <summary>The dev masked-entity loss of that epoch; null without a dev set.</summary>
    public double? BestDevLoss { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Save(string folder) =>
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, JsonOptions) + "\n");

    /// <summary>Reads `melm.json`; a folder without one is not a fine-tuned MELM model.</summary>
    public static MelmFolderInfo Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new InputException(folder, null, $"not a fine-tuned MELM folder: no {FileName} (run `melm finetune` first, or use --method mlm-entity with a pretrained model)");
        try
        {
            return JsonSerializer.Deserialize<MelmFolderInfo>(File.ReadAllBytes(path), JsonOptions)
                ?? throw new InputException(path, null, "empty JSON");
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not a valid {FileName}: {e.Message}");
        }
    }
}
