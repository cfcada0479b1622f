using System.Text.Json;

namespace Melm.Models.Evaluation;

/// <summary>Entity-level scores: the micro average over all entities and a row per type (ordinal order).</summary>
/// <param name="Overall">Micro-averaged counts and scores.</param>
/// <param name="PerType">One row per type found in gold or predictions.</param>
/// <param name="Sentences">How many sentence pairs were scored.</param>
/// <param name="Mode">"conlleval", "strict IOB2" or "strict BIOES".</param>
public sealed record F1Report(EntityCounts Overall, IReadOnlyList<EntityCounts> PerType, int Sentences, string Mode)
{
    /// <summary>Writes the figures as properties of the JSON object being written: mode, sentences,
    /// overall and per_type, each row with its counts and unrounded precision, recall and f1 (x100).</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteString("mode", Mode);
        json.WriteNumber("sentences", Sentences);
        json.WritePropertyName("overall");
        WriteRow(json, Overall);
        json.WriteStartArray("per_type");
        foreach (var row in PerType)
            WriteRow(json, row);
        json.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter json, EntityCounts row)
    {
        json.WriteStartObject();
        json.WriteString("type", row.Type);
        json.WriteNumber("gold", row.Gold);
        json.WriteNumber("predicted", row.Predicted);
        json.WriteNumber("correct", row.Correct);
        json.WriteNumber("precision", row.Precision);
        json.WriteNumber("recall", row.Recall);
        json.WriteNumber("f1", row.F1);
        json.WriteEndObject();
    }
}
