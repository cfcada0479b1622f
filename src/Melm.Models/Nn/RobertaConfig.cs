using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Melm.Models.Diagnostics;

namespace Melm.Models.Nn;

/// <summary>
/// The shape of a RoBERTa / XLM-RoBERTa encoder, as a Hugging Face `config.json` describes it.
/// Only what the masked LM needs; anything the encoder would compute differently is refused.
/// </summary>
public sealed record RobertaConfig
{
    public const string XlmRobertaType = "xlm-roberta";
    public const string RobertaType = "roberta";

    public string ModelType { get; init; } = XlmRobertaType;
    public int VocabSize { get; init; }
    public int HiddenSize { get; init; }
    public int NumHiddenLayers { get; init; }
    public int NumAttentionHeads { get; init; }
    public int IntermediateSize { get; init; }
    public int MaxPositionEmbeddings { get; init; }
    public int TypeVocabSize { get; init; } = 1;
    public double LayerNormEps { get; init; } = 1e-5;
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public double InitializerRange { get; init; } = 0.02;
    public int PadTokenId { get; init; } = 1;
    public int BosTokenId { get; init; }
    public int EosTokenId { get; init; } = 2;

    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>The longest input (in tokens, specials included): positions start at pad_token_id + 1.</summary>
    public int MaxSequenceLength => MaxPositionEmbeddings - PadTokenId - 1;

    /// <summary>XLM-R base's shape (270M parameters, most in the 250k-row embedding).</summary>
    public static RobertaConfig XlmRobertaBase() => new()
    {
        VocabSize = 250002, HiddenSize = 768, NumHiddenLayers = 12, NumAttentionHeads = 12,
        IntermediateSize = 3072, MaxPositionEmbeddings = 514,
    };

    /// <summary>A small encoder to pretrain from scratch on a few million tokens (128 tokens per input).</summary>
    public static RobertaConfig Small(int vocabSize) => new()
    {
        VocabSize = vocabSize, HiddenSize = 256, NumHiddenLayers = 4, NumAttentionHeads = 4,
        IntermediateSize = 1024, MaxPositionEmbeddings = 130,
    };

    /// <summary>Reads and checks `config.json`; every problem names the file.</summary>
    public static RobertaConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new InputException(path, null, "no config.json: a model folder needs one (Hugging Face layout)");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InputException(path, null, "config.json must hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not valid JSON: {e.Message}");
        }
        return FromJson(json, path);
    }

    internal static RobertaConfig FromJson(JsonObject json, string source)
    {
        var problems = new List<InputProblem>();
        var modelType = ReadString(json, "model_type", source, problems);
        if (modelType is not null and not XlmRobertaType and not RobertaType)
            problems.Add(new(source, null, $"model_type '{modelType}' is not supported (expected '{XlmRobertaType}' or '{RobertaType}')"));
        var act = json["hidden_act"] is null ? "gelu" : ReadString(json, "hidden_act", source, problems);
        if (act is not null and not "gelu")
            problems.Add(new(source, null, $"hidden_act '{act}' is not supported (only 'gelu', the exact erf form)"));
        var positionType = json["position_embedding_type"] is null ? "absolute" : ReadString(json, "position_embedding_type", source, problems);
        if (positionType is not null and not "absolute")
            problems.Add(new(source, null, $"position_embedding_type '{positionType}' is not supported (only 'absolute')"));

        var config = new RobertaConfig
        {
            ModelType = modelType ?? XlmRobertaType,
            VocabSize = ReadInt(json, "vocab_size", null, source, problems),
            HiddenSize = ReadInt(json, "hidden_size", null, source, problems),
            NumHiddenLayers = ReadInt(json, "num_hidden_layers", null, source, problems),
            NumAttentionHeads = ReadInt(json, "num_attention_heads", null, source, problems),
            IntermediateSize = ReadInt(json, "intermediate_size", null, source, problems),
            MaxPositionEmbeddings = ReadInt(json, "max_position_embeddings", null, source, problems),
            TypeVocabSize = ReadInt(json, "type_vocab_size", 1, source, problems),
            PadTokenId = ReadInt(json, "pad_token_id", 1, source, problems),
            BosTokenId = ReadInt(json, "bos_token_id", 0, source, problems),
            EosTokenId = ReadInt(json, "eos_token_id", 2, source, problems),
            LayerNormEps = ReadDouble(json, "layer_norm_eps", 1e-5, source, problems),
            HiddenDropoutProb = ReadDouble(json, "hidden_dropout_prob", 0.1, source, problems),
            AttentionProbsDropoutProb = ReadDouble(json, "attention_probs_dropout_prob", 0.1, source, problems),
            InitializerRange = ReadDouble(json, "initializer_range", 0.02, source, problems),
        };
        if (problems.Count == 0)
            problems.AddRange(config.Check(source));
        if (problems.Count > 0)
            throw new InputException(problems);
        return config;
    }

    /// <summary>Problems with the numbers themselves (a config built in code or read from a file).</summary>
    public IReadOnlyList<InputProblem> Check(string source)
    {
        var problems = new List<InputProblem>();
        void Positive(int value, string name)
        {
            if (value <= 0)
                problems.Add(new(source, null, $"{name} must be positive, got {value}"));
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(IntermediateSize, "intermediate_size");
        Positive(TypeVocabSize, "type_vocab_size");
        if (NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads != 0)
            problems.Add(new(source, null, $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}"));
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            problems.Add(new(source, null, $"pad_token_id {PadTokenId} is outside the vocabulary (size {VocabSize})"));
        if (MaxPositionEmbeddings <= PadTokenId + 1)
            problems.Add(new(source, null, $"max_position_embeddings {MaxPositionEmbeddings} leaves no positions after pad_token_id + 1"));
        if (!(LayerNormEps > 0))
            problems.Add(new(source, null, $"layer_norm_eps must be positive, got {LayerNormEps}"));
        return problems;
    }

    /// <summary>The `config.json` transformers reads back (XLMRobertaForMaskedLM or RobertaForMaskedLM).</summary>
    /// <param name="torchDtype">The dtype the weights are saved in, as transformers names it.</param>
    public string ToJson(string torchDtype = "float32")
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(ModelType == RobertaType ? "RobertaForMaskedLM" : "XLMRobertaForMaskedLM"),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["intermediate_size"] = IntermediateSize,
            ["hidden_act"] = "gelu",
            ["hidden_dropout_prob"] = HiddenDropoutProb,
            ["attention_probs_dropout_prob"] = AttentionProbsDropoutProb,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["type_vocab_size"] = TypeVocabSize,
            ["initializer_range"] = InitializerRange,
            ["layer_norm_eps"] = LayerNormEps,
            ["pad_token_id"] = PadTokenId,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = torchDtype,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string? ReadString(JsonObject json, string key, string source, List<InputProblem> problems)
    {
        var node = json[key];
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
            return text;
        problems.Add(new(source, null, node is null ? $"missing '{key}'" : $"'{key}' must be a string, got {node.ToJsonString()}"));
        return null;
    }

    private static int ReadInt(JsonObject json, string key, int? fallback, string source, List<InputProblem> problems)
    {
        var node = json[key];
        if (node is null && fallback is { } f)
            return f;
        if (node is JsonValue value && value.TryGetValue<double>(out var number) && number == Math.Floor(number) && Math.Abs(number) <= int.MaxValue)
            return (int)number;
        problems.Add(new(source, null, node is null ? $"missing '{key}'" : $"'{key}' must be an integer, got {node.ToJsonString()}"));
        return 0;
    }

    private static double ReadDouble(JsonObject json, string key, double fallback, string source, List<InputProblem> problems)
    {
        var node = json[key];
        if (node is null)
            return fallback;
        if (node is JsonValue value && value.TryGetValue<double>(out var number))
            return number;
        problems.Add(new(source, null, $"'{key}' must be a number, got {node.ToJsonString()}"));
        return fallback;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ModelType} {NumHiddenLayers}x{HiddenSize} ({NumAttentionHeads} heads, ffn {IntermediateSize}), vocab {VocabSize}, positions {MaxPositionEmbeddings}");
}
