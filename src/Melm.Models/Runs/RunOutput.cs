using Melm.Models.Data;

namespace Melm.Models.Runs;

/// <summary>
/// Assembles and writes a run's output. The order is (source sentence in corpus order, round, order
/// within the item's result), so completion order, node count and retries never show in the bytes.
/// </summary>
public static class RunOutput
{
    public const string JsonLinesFile = "aug.jsonl";
    public const string ConllFile = "aug.conll";

    /// <summary>
    /// The accepted rewrites in output order. Every item must have a result, and every rewrite must
    /// name a source sentence of its own shard and round in its Provenance.
    /// </summary>
    public static IReadOnlyList<Sentence> Assemble(RunSpec spec, IReadOnlyDictionary<ItemKey, ItemResult> results)
    {
        var output = new List<Sentence>();
        for (var shard = 0; shard < spec.ShardCount; shard++)
        {
            var item = WorkPlan.Item(spec, new ItemKey(shard, 1));
            var bySource = new Dictionary<(string Source, int Round), List<Sentence>>();
            for (var round = 1; round <= spec.Rounds; round++)
            {
                var key = new ItemKey(shard, round);
                if (!results.TryGetValue(key, out var result))
                    throw new InvalidOperationException($"run {spec.RunId}: no result for {key}");
                foreach (var sentence in result.Sentences)
                {
                    if (sentence.Provenance is not { } provenance || provenance.Round != round || !item.SentenceIds.Contains(provenance.SourceId, StringComparer.Ordinal))
                        throw new InvalidOperationException($"run {spec.RunId}, {key}: rewrite {sentence.Id} does not name a source sentence of its shard and round");
                    if (!bySource.TryGetValue((provenance.SourceId, round), out var list))
                        bySource[(provenance.SourceId, round)] = list = [];
                    list.Add(sentence);
                }
            }
            foreach (var id in item.SentenceIds)
            {
                for (var round = 1; round <= spec.Rounds; round++)
                {
                    if (bySource.TryGetValue((id, round), out var list))
                        output.AddRange(list);
                }
            }
        }
        return output;
    }

    /// <summary>
    /// Writes aug.jsonl and aug.conll into the folder, each through a temporary file and a rename so
    /// a crash never leaves half a file under the final name. Returns the written paths.
    /// </summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<Sentence> sentences)
    {
        Directory.CreateDirectory(folder);
        var jsonl = Path.Combine(folder, JsonLinesFile);
        var conll = Path.Combine(folder, ConllFile);
        WriteAtomically(jsonl, JsonLines.Serialize(sentences));
        WriteAtomically(conll, ConllWriter.SerializeSentences(sentences, conll));
        return [jsonl, conll];
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
