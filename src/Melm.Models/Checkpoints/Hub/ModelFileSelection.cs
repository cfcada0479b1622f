using System.Text.Json;
using Melm.Models.Diagnostics;

namespace Melm.Models.Checkpoints.Hub;

/// <summary>Which files of a hub repository a fetch downloads.</summary>
public static class ModelFileSelection
{
    public const string Config = "config.json";
    public const string Safetensors = "model.safetensors";
    public const string SafetensorsIndex = "model.safetensors.index.json";
    public const string PytorchWeights = "pytorch_model.bin";
    public const string SentencePiece = "sentencepiece.bpe.model";

    /// <summary>Tokenizer files Melm reads when a repository has them.</summary>
    public static readonly IReadOnlyList<string> OptionalFiles = ["tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>
    /// The files Melm needs: config.json; model.safetensors, else model.safetensors.index.json (its
    /// shards come from <see cref="ShardsOf"/> once it is downloaded), else pytorch_model.bin;
    /// sentencepiece.bpe.model; and the optional tokenizer files present. A repository without the
    /// required ones is refused with every missing file named.
    /// </summary>
    public static IReadOnlyList<HubFile> Default(HubRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var problems = new List<InputProblem>();
        var selected = new List<HubFile>();

        void Require(string path)
        {
            if (revision.Find(path) is { } file)
                selected.Add(file);
            else
                problems.Add(Missing($"has no {path}, which Melm needs"));
        }

        InputProblem Missing(string what) =>
            new(revision.Name, null, $"{what} (revision {revision.Revision}); pass --files to choose files yourself");

        Require(Config);
        var weights = revision.Find(Safetensors) ?? revision.Find(SafetensorsIndex) ?? revision.Find(PytorchWeights);
        if (weights is null)
            problems.Add(Missing($"has no weights: none of {Safetensors}, {SafetensorsIndex}, {PytorchWeights}"));
        else
            selected.Add(weights);
        Require(SentencePiece);
        foreach (var optional in OptionalFiles)
        {
            if (revision.Find(optional) is { } file)
                selected.Add(file);
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return selected;
    }

    /// <summary>The shard files a safetensors index's `weight_map` names, each once, in name order.</summary>
    public static IReadOnlyList<HubFile> ShardsOf(HubRevision revision, string indexPath, string indexJson)
    {
        ArgumentNullException.ThrowIfNull(revision);
        ArgumentNullException.ThrowIfNull(indexPath);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(indexJson);
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new HubFetchException($"{indexPath}: no \"weight_map\" object, so its shards are unknown");
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(entry.Value.GetString()))
                    throw new HubFetchException($"{indexPath}: weight_map entry \"{entry.Name}\" does not name a shard file");
                names.Add(entry.Value.GetString()!);
            }
        }
        catch (JsonException e)
        {
            throw new HubFetchException($"{indexPath}: not valid JSON ({e.Message})", e);
        }

        // Shard names are relative to the index's own folder.
        var folder = indexPath.Contains('/', StringComparison.Ordinal) ? indexPath[..(indexPath.LastIndexOf('/') + 1)] : "";
        var shards = new List<HubFile>();
        foreach (var name in names)
        {
            shards.Add(revision.Find(folder + name)
                ?? throw new HubFetchException($"{indexPath} names the shard {folder + name}, which {revision.Name} at commit {revision.Commit} does not have"));
        }
        return shards;
    }

    /// <summary>The files matching any of the patterns, in the hub's order; a pattern matching nothing is refused.</summary>
    public static IReadOnlyList<HubFile> Matching(HubRevision revision, IReadOnlyList<FilePattern> patterns)
    {
        ArgumentNullException.ThrowIfNull(revision);
        ArgumentNullException.ThrowIfNull(patterns);
        var problems = patterns
            .Where(p => !revision.Files.Any(f => p.Matches(f.Path)))
            .Select(p => new InputProblem("--files", null, $"'{p}' matches no file of {revision.Name} at revision {revision.Revision}"))
            .ToList();
        if (problems.Count > 0)
            throw new InputException(problems);
        return revision.Files.Where(f => patterns.Any(p => p.Matches(f.Path))).ToList();
    }
}
