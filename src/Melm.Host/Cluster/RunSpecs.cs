using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Host.Cluster;

/// <summary>The run spec of an augmentation: named after its contents, so the same command line names the same run and resumes it.</summary>
internal static class RunSpecs
{
    // A field its type says is there (a stage's model folder, its options) may not be missing or null:
    // without these, such a spec was accepted and failed later on a worker, far from the request.
    private static readonly JsonSerializerOptions StrictOptions = new(ClusterJson.Options)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>
    /// A spec sent to the status endpoint (POST /runs), checked as the coordinator will check it:
    /// anything that is not a usable spec is a RunRequestException saying why, never another exception.
    /// </summary>
    public static RunSpec Parse(byte[] json)
    {
        RunSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<RunSpec>(json, StrictOptions);
        }
        catch (JsonException e)
        {
            throw new RunRequestException($"the body is not a run spec: {e.Message}");
        }
        if (spec is null)
            throw new RunRequestException("the body is not a run spec");
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new RunRequestException(e.Message);
        }
        return spec;
    }

    public static RunSpec For(Corpus corpus, RunInputs inputs, int shardSize, string outFolder, RunPreparation? preparation = null, string? runId = null)
    {
        var spec = new RunSpec("", inputs, shardSize, [.. corpus.Sentences.Select(s => s.Id)], outFolder, preparation);
        if (runId is not null)
            return spec with { RunId = runId };
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec, ClusterJson.Options)));
        return spec with { RunId = "augment-" + Convert.ToHexStringLower(hash)[..12] };
    }
}
