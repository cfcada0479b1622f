using System.Text.Json;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Checkpoints;

/// <summary>
/// A Hugging Face model folder: `config.json` with `model.safetensors`, a sharded
/// `model.safetensors.index.json`, or `pytorch_model.bin`. Loading checks every key and shape
/// before reading data; saving writes what transformers' from_pretrained reads back.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string SafetensorsFileName = "model.safetensors";
    public const string SafetensorsIndexFile = "model.safetensors.index.json";
    public const string PyTorchFile = "pytorch_model.bin";

    /// <summary>Reads `config.json` from a model folder.</summary>
    public static RobertaConfig ReadConfig(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException(folder, null, "model folder not found");
        return RobertaConfig.Load(Path.Combine(folder, ConfigFile));
    }

    /// <summary>Loads a masked LM in eval mode (no dropout, as from_pretrained); parameters end up on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public static RobertaForMaskedLM LoadMaskedLm(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = ReadConfig(folder);
        var (tensors, source) = OpenWeights(folder);
        var model = new RobertaForMaskedLM(config, device, dtype);
        try
        {
            LoadInto(model, tensors, source);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The weight files' tensors and the file to name in messages about the set as a whole.</summary>
    public static (IReadOnlyList<CheckpointTensor> Tensors, string Source) OpenWeights(string folder)
    {
        var single = Path.Combine(folder, SafetensorsFileName);
        if (File.Exists(single))
            return (SafetensorsFile.Open(single), single);
        var index = Path.Combine(folder, SafetensorsIndexFile);
        if (File.Exists(index))
            return (OpenSharded(index), index);
        var bin = Path.Combine(folder, PyTorchFile);
        if (File.Exists(bin))
            return (PyTorchCheckpoint.Open(bin), bin);
        throw new InputException(folder, null, $"no weights: expected {SafetensorsFileName}, {SafetensorsIndexFile} or {PyTorchFile}");
    }

    /// <summary>
    /// Copies checkpoint tensors into the model's parameters (converting dtype and device). Ignores
    /// what a masked LM does not use (`roberta.pooler.*`, `roberta.embeddings.position_ids`) and the
    /// tied decoder weight; refuses missing and unexpected keys and wrong shapes, all listed at once.
    /// </summary>
    public static void LoadInto(RobertaForMaskedLM model, IReadOnlyList<CheckpointTensor> tensors, string source)
    {
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var problems = new List<InputProblem>();
        var assigned = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        CheckpointTensor? decoderBias = null;
        foreach (var tensor in tensors)
        {
            if (tensor.Key.StartsWith(StateDictKeys.PoolerPrefix, StringComparison.Ordinal) || tensor.Key == StateDictKeys.PositionIds)
                continue;
            var target = tensor.Key switch
            {
                StateDictKeys.DecoderWeight => StateDictKeys.WordEmbeddings,
                StateDictKeys.DecoderBias => StateDictKeys.LmBias,
                _ => tensor.Key,
            };
            if (!parameters.TryGetValue(target, out var parameter))
            {
                problems.Add(new(tensor.File, null, $"unexpected key {tensor.Key}: a {model.Config.ModelType} masked LM has no such parameter"));
                continue;
            }
            if (CheckTensor(tensor, parameter) is { } problem)
            {
                problems.Add(problem);
                continue;
            }
            if (tensor.Key == StateDictKeys.DecoderBias)
                decoderBias = tensor;
            else if (tensor.Key != StateDictKeys.DecoderWeight)
                assigned[tensor.Key] = tensor;
        }
        // Older checkpoints store the LM bias only as the decoder's bias, which transformers ties to lm_head.bias.
        if (!assigned.ContainsKey(StateDictKeys.LmBias) && decoderBias is not null)
            assigned[StateDictKeys.LmBias] = decoderBias;
        foreach (var name in parameters.Keys.Where(name => !assigned.ContainsKey(name)))
            problems.Add(new(source, null, $"missing key {name} in {Path.GetFileName(source)}"));
        if (problems.Count > 0)
            throw new InputException(problems);

        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            using var scope = NewDisposeScope();
            var data = assigned[name].Read();
            parameter.copy_(data.to(parameter.dtype, parameter.device));
        }
    }

    /// <summary>
    /// Copies the checkpoint tensors whose keys start with one of <paramref name="prefixes"/> into the
    /// same-named parameters (converting dtype and device), for a model that takes only part of a
    /// checkpoint: a tagger takes `roberta.*` from a masked-LM or token-classification folder, whose
    /// other heads are not its own. Keys under the prefixes must match exactly: missing and unexpected
    /// keys and wrong shapes are refused, all listed at once. The unused pooler and position ids are ignored.
    /// </summary>
    /// <param name="modelName">What the parameters belong to, for messages ("a tagger encoder").</param>
    public static void LoadParameters(IEnumerable<(string Name, Parameter Parameter)> parameters, IReadOnlyList<CheckpointTensor> tensors,
        string source, IReadOnlyList<string> prefixes, string modelName)
    {
        var targets = parameters.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var problems = new List<InputProblem>();
        var assigned = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!prefixes.Any(prefix => tensor.Key.StartsWith(prefix, StringComparison.Ordinal))
                || tensor.Key.StartsWith(StateDictKeys.PoolerPrefix, StringComparison.Ordinal) || tensor.Key == StateDictKeys.PositionIds)
            {
                continue;
            }
            if (!targets.TryGetValue(tensor.Key, out var parameter))
            {
                problems.Add(new(tensor.File, null, $"unexpected key {tensor.Key}: {modelName} has no such parameter"));
                continue;
            }
            if (CheckTensor(tensor, parameter) is { } problem)
                problems.Add(problem);
            else
                assigned[tensor.Key] = tensor;
        }
        foreach (var name in targets.Keys.Where(name => !assigned.ContainsKey(name)))
            problems.Add(new(source, null, $"missing key {name} in {Path.GetFileName(source)}"));
        if (problems.Count > 0)
            throw new InputException(problems);

        using var noGrad = no_grad();
        foreach (var (name, parameter) in targets)
        {
            using var scope = NewDisposeScope();
            parameter.copy_(assigned[name].Read().to(parameter.dtype, parameter.device));
        }
    }

    /// <summary>
    /// Writes `model.safetensors` (parameters under their Hugging Face keys, the tied decoder
    /// omitted as transformers itself saves it) and `config.json`. The caller copies the tokenizer.
    /// </summary>
    public static void Save(RobertaForMaskedLM model, string folder)
    {
        Directory.CreateDirectory(folder);
        SafetensorsFile.Write(Path.Combine(folder, SafetensorsFileName), model.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)));
        var torchDtype = model.DType switch
        {
            ScalarType.BFloat16 => "bfloat16",
            ScalarType.Float16 => "float16",
            _ => "float32",
        };
        File.WriteAllText(Path.Combine(folder, ConfigFile), model.Config.ToJson(torchDtype));
    }

    private static List<CheckpointTensor> OpenSharded(string index)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(index));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InputException(index, null, "no 'weight_map' object");
            weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new InputException(index, null, $"weight_map entry '{entry.Name}' is not a file name");
                weightMap[entry.Name] = entry.Value.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw new InputException(index, (int?)(e.LineNumber + 1), $"not valid JSON: {e.Message}");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(index))!;
        var problems = new List<InputProblem>();
        var byShard = new Dictionary<string, Dictionary<string, CheckpointTensor>>(StringComparer.Ordinal);
        foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal))
        {
            if (shard != Path.GetFileName(shard) || shard is "." or "..")
            {
                problems.Add(new(index, null, $"shard '{shard}' must be a file name in the model folder"));
                continue;
            }
            var path = Path.Combine(folder, shard);
            if (!File.Exists(path))
            {
                problems.Add(new(index, null, $"shard {shard} is listed but not in the folder"));
                continue;
            }
            byShard[shard] = SafetensorsFile.Open(path).ToDictionary(t => t.Key, StringComparer.Ordinal);
        }
        var result = new List<CheckpointTensor>();
        foreach (var (key, shard) in weightMap)
        {
            if (!byShard.TryGetValue(shard, out var tensors))
                continue;
            if (tensors.TryGetValue(key, out var tensor))
                result.Add(tensor);
            else
                problems.Add(new(index, null, $"weight_map puts {key} in {shard}, which does not hold it"));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return result;
    }

    private static InputProblem? CheckTensor(CheckpointTensor tensor, Parameter parameter)
    {
        if (!tensor.Shape.SequenceEqual(parameter.shape))
        {
            return new(tensor.File, null,
                $"key {tensor.Key}: checkpoint has {CheckpointTensor.FormatShape(tensor.Shape)}, model expects {CheckpointTensor.FormatShape(parameter.shape)}");
        }
        return IsFloat(tensor.DType) ? null : new(tensor.File, null, $"key {tensor.Key}: stored as {tensor.DType}, expected a floating-point tensor");
    }

    private static bool IsFloat(ScalarType dtype) =>
        dtype is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;
}
