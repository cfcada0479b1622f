using System.Text.Json;

namespace Melm.Models.Tests.Nn;

/// <summary>The expected outputs in ../shared/fixtures/tiny-xlmr/golden.json.</summary>
internal sealed class TinyXlmrGolden
{
    public const string Folder = "fixtures/tiny-xlmr";
    public const long PadId = 1;

    public required long[][] BatchInputIds { get; init; }
    public required IReadOnlyList<Sentence> Sentences { get; init; }

    internal sealed record Sentence(long[] InputIds, long[] MaskedInputIds, float[][] LastHiddenState, IReadOnlyList<Prediction> Predictions);

    internal sealed record Prediction(int Position, double LogSumExp, long[] Top10Ids, float[] Top10Logits, float[] First64Logits);

    public static TinyXlmrGolden Load()
    {
        var path = SharedFiles.Require(Folder + "/golden.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        return new TinyXlmrGolden
        {
            BatchInputIds = root.GetProperty("batch_input_ids").EnumerateArray().Select(Longs).ToArray(),
            Sentences = root.GetProperty("sentences").EnumerateArray().Select(s => new Sentence(
                Longs(s.GetProperty("input_ids")),
                Longs(s.GetProperty("masked_input_ids")),
                s.GetProperty("last_hidden_state").EnumerateArray().Select(Floats).ToArray(),
                s.GetProperty("mlm").EnumerateArray().Select(m => new Prediction(
                    m.GetProperty("position").GetInt32(),
                    m.GetProperty("logsumexp").GetDouble(),
                    Longs(m.GetProperty("top10_ids")),
                    Floats(m.GetProperty("top10_logits")),
                    Floats(m.GetProperty("logits_first_64")))).ToList())).ToList(),
        };
    }

    /// <summary>The masked sentences padded into one batch, as the golden MLM outputs were computed.</summary>
    public long[][] MaskedBatch()
    {
        var width = Sentences.Max(s => s.MaskedInputIds.Length);
        return Sentences.Select(s => s.MaskedInputIds.Concat(Enumerable.Repeat(PadId, width - s.MaskedInputIds.Length)).ToArray()).ToArray();
    }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
}
