using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Host.Cluster;

/// <summary>The run spec of an augmentation: named after its contents, so the same command line names the same run and resumes it.</summary>
internal static class RunSpecs
{
    public static RunSpec For(Corpus corpus, RunInputs inputs, int shardSize, string outFolder, RunPreparation? preparation = null, string? runId = null)
    {
        var spec = new RunSpec("", inputs, shardSize, [.. corpus.Sentences.Select(s => s.Id)], outFolder, preparation);
        if (runId is not null)
            return spec with { RunId = runId };
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec, ClusterJson.Options)));
        return spec with { RunId = "augment-" + Convert.ToHexStringLower(hash)[..12] };
    }
}
