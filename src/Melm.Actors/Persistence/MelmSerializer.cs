using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using Melm.Actors.Protocol;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Persistence;

/// <summary>
/// Serializes protocol messages, journal events and snapshots as UTF-8 JSON. Journal events and
/// snapshots follow JournalContract (fixed manifests and JSON names, versioned); the protocol's
/// other messages, which only travel between nodes of one build, have the type's short name as
/// manifest. Sentences inside are written as their JSON Lines objects (JsonLines, the one
/// sentence format of the project), so the journal is readable and a result round-trips exactly.
/// </summary>
/// <param name="journal">The journal this system reads, for messages about entries it cannot read.</param>
public sealed class MelmSerializer : SerializerWithStringManifest
{
    /// <summary>Akka serializer id; ids up to 100 are reserved by Akka.</summary>
    public const int Id = 6106;

    private static readonly FrozenDictionary<string, Type> TypesByManifest = typeof(IMelmMessage).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IMelmMessage).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new SentenceConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { JournalContract.Apply } },
    };

    private readonly string _journal;

    public MelmSerializer(ExtendedActorSystem system, string journal = "the journal")
        : base(system) => _journal = journal;

    public override int Identifier => Id;

    public override string Manifest(object o) => JournalContract.ManifestOf(o.GetType()) ?? o.GetType().Name;

    public override byte[] ToBinary(object obj)
    {
        if (obj is not IMelmMessage || !TypesByManifest.ContainsKey(obj.GetType().Name))
            throw new ArgumentException($"{obj.GetType()} is not a Melm protocol type", nameof(obj));
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = JournalContract.TypeOf(manifest, _journal)
            ?? (TypesByManifest.TryGetValue(manifest, out var message) ? message : throw new JournalFormatException(_journal, manifest, "is not a Melm message or journal entry this build knows"));
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Options)
                ?? throw new JournalFormatException(_journal, manifest, "is empty (null)");
        }
        catch (Exception e) when (e is JsonException or InputException)
        {
            throw new JournalFormatException(_journal, manifest, $"does not have the shape this build reads: {e.Message}", e);
        }
    }

    /// <summary>A sentence as its JSON Lines object; read back through JsonLines so its checks apply.</summary>
    private sealed class SentenceConverter : JsonConverter<Sentence>
    {
        public override Sentence Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var corpus = JsonLines.Parse(Encoding.UTF8.GetBytes(document.RootElement.GetRawText()), "journal");
            // Line numbers refer to the journal record, not to a file; drop them.
            return corpus.Sentences[0] with { Lines = [] };
        }

        public override void Write(Utf8JsonWriter writer, Sentence value, JsonSerializerOptions options)
        {
            var line = JsonLines.Serialize([value]);
            writer.WriteRawValue(line.AsSpan(0, line.Length - 1), skipInputValidation: false);
        }
    }
}
