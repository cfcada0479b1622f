using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Text;
using Melm.Models.Ner;
using static TorchSharp.torch;

namespace Melm.Models.Tagging;

/// <summary>
/// A saved tagger: the encoder and emission layer as transformers' XLMRobertaForTokenClassification
/// stores them (`model.safetensors`, `config.json` with id2label), the CRF in `crf.safetensors`
/// (pytorch-crf's keys), the tokenizer, and `melm-tagger.json` with the labels, scheme and window.
/// A load gives back every parameter bit for bit.
/// </summary>
public static class TaggerFolder
{
    public const string CrfFileName = "crf.safetensors";
    public const string MetadataFileName = "melm-tagger.json";
    private const string Format = "melm-ner-tagger";
    private const int Version = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Save(NerTagger tagger, XlmrTokenizer tokenizer, string folder)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(tokenizer);
        // The metadata goes in last: a folder without it is neither loaded nor reused (a run's filter-tagger stage).
        StagedFolder.Write(folder, MetadataFileName, staging =>
        {
            var parameters = tagger.NamedParameters();
            SafetensorsFile.Write(Path.Combine(staging, ModelFolder.SafetensorsFileName),
                parameters.Where(p => !p.Name.StartsWith(NerTagger.CrfPrefix, StringComparison.Ordinal)).Select(p => (p.Name, (Tensor)p.Parameter)));
            SafetensorsFile.Write(Path.Combine(staging, CrfFileName),
                tagger.CrfParameters().Select(p => (p.Name[NerTagger.CrfPrefix.Length..], (Tensor)p.Parameter)));
            File.WriteAllText(Path.Combine(staging, ModelFolder.ConfigFile), ConfigJson(tagger));
            var metadata = new JsonObject
            {
                ["format"] = Format,
                ["version"] = Version,
                ["labels"] = new JsonArray(tagger.Labels.Names.Select(n => (JsonNode)n).ToArray()),
                ["scheme"] = TagSchemes.Name(tagger.Labels.Scheme),
                ["max_length"] = tagger.MaxLength,
            };
            File.WriteAllText(Path.Combine(staging, MetadataFileName), metadata.ToJsonString(Indented) + "\n");
            tokenizer.Save(staging);
        }, [XlmrTokenizer.AddedTokensFileName]);
    }

    /// <summary>Loads a folder <see cref="Save"/> wrote, in eval mode, with its window. Anything else (a masked-LM folder, a folder without config) is an InputException saying what is missing.</summary>
    public static (NerTagger Tagger, XlmrTokenizer Tokenizer) Load(string folder, Device? device = null)
    {
        if (!Directory.Exists(folder))
            throw new InputException(folder, null, "tagger folder not found");
        var (labels, maxLength) = ReadMetadata(folder);
        var config = ModelFolder.ReadConfig(folder);
        if (maxLength < 4 || maxLength > config.MaxSequenceLength)
        {
            throw new InputException(Path.Combine(folder, MetadataFileName), null,
                $"'max_length' {maxLength} must be between 4 and the model's {config.MaxSequenceLength} (from {ModelFolder.ConfigFile})");
        }
        var crfPath = Path.Combine(folder, CrfFileName);
        if (!File.Exists(crfPath))
            throw new InputException(folder, null, $"the tagger folder has no {CrfFileName}");
        var tokenizer = XlmrTokenizer.Load(folder);
        var (tensors, source) = ModelFolder.OpenWeights(folder);
        var tagger = new NerTagger(config, labels, device);
        try
        {
            var named = tagger.NamedParameters();
            ModelFolder.LoadParameters(named.Where(p => !p.Name.StartsWith(NerTagger.CrfPrefix, StringComparison.Ordinal)), tensors, source,
                [NerTagger.EncoderPrefix, NerTagger.ClassifierPrefix], "this tagger");
            ModelFolder.LoadParameters(tagger.CrfParameters().Select(p => (p.Name[NerTagger.CrfPrefix.Length..], p.Parameter)),
                SafetensorsFile.Open(crfPath), crfPath, [""], "this tagger's CRF");
            tagger.MaxLength = maxLength;
            tagger.eval();
            return (tagger, tokenizer);
        }
        catch
        {
            tagger.Dispose();
            throw;
        }
    }

    /// <summary>The labels, scheme and window of a saved tagger.</summary>
    public static (TaggerLabels Labels, int MaxLength) ReadMetadata(string folder)
    {
        var path = Path.Combine(folder, MetadataFileName);
        if (!File.Exists(path))
        {
            throw new InputException(folder, null,
                $"not a tagger folder: no {MetadataFileName} (a masked-LM or other model folder? `melm ner train` writes tagger folders)");
        }
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InputException(path, null, "must hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not valid JSON: {e.Message}");
        }
        if (json["format"]?.GetValueKind() != JsonValueKind.String || json["format"]!.GetValue<string>() != Format)
            throw new InputException(path, null, $"'format' must be \"{Format}\"");
        if (json["labels"] is not JsonArray array || array.Any(n => n?.GetValueKind() != JsonValueKind.String))
            throw new InputException(path, null, "'labels' must be a list of tags");
        var schemeName = json["scheme"]?.GetValueKind() == JsonValueKind.String ? json["scheme"]!.GetValue<string>() : "";
        if (!TagSchemes.TryParse(schemeName, out var scheme))
            throw new InputException(path, null, $"'scheme' must be IOB1, IOB2 or BIOES, got \"{schemeName}\"");
        if (json["max_length"] is not JsonValue lengthValue || !lengthValue.TryGetValue<int>(out var maxLength))
            throw new InputException(path, null, "'max_length' must be an integer");
        try
        {
            return (new TaggerLabels(array.Select(n => n!.GetValue<string>()).ToArray(), scheme), maxLength);
        }
        catch (ArgumentException e)
        {
            throw new InputException(path, null, $"bad 'labels': {e.Message}");
        }
    }

    private static string ConfigJson(NerTagger tagger)
    {
        var json = (JsonObject)JsonNode.Parse(tagger.Config.ToJson())!;
        json["architectures"] = new JsonArray(tagger.Config.ModelType == RobertaConfig.RobertaType ? "RobertaForTokenClassification" : "XLMRobertaForTokenClassification");
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var i = 0; i < tagger.Labels.Count; i++)
        {
            id2label[i.ToString(CultureInfo.InvariantCulture)] = tagger.Labels.Names[i];
            label2id[tagger.Labels.Names[i]] = i;
        }
        json["id2label"] = id2label;
        json["label2id"] = label2id;
        return json.ToJsonString(Indented);
    }
}
