using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Runtime.Serialization;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Melm.Actors.Protocol;
using Melm.Models.Data;

namespace Melm.Actors.Persistence;

/// <summary>
/// Serializes protocol messages, journal events and snapshots as UTF-8 JSON, with the type's short
/// name as manifest. Sentences inside are written as their JSON Lines objects (JsonLines, the one
/// sentence format of the project), so the journal is readable and a result round-trips exactly.
/// </summary>
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
    };

    public MelmSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => Id;

    public override string Manifest(object o) => o.GetType().Name;

    public override byte[] ToBinary(object obj)
    {
        if (obj is not IMelmMessage || !TypesByManifest.ContainsKey(obj.GetType().Name))
            throw new ArgumentException($"{obj.GetType()} is not a Melm protocol type", nameof(obj));
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypesByManifest.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown Melm manifest \"{manifest}\"");
        return JsonSerializer.Deserialize(bytes, type, Options)
            ?? throw new SerializationException($"null payload for \"{manifest}\"");
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
