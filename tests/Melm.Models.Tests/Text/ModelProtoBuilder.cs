using System.Text;
using Melm.Models.Text;

namespace Melm.Models.Tests.Text;

/// <summary>
/// Writes small SentencePiece ModelProto files in the protobuf wire format, so tokenizer logic and
/// validation can be tested without the shared fixtures. No precompiled character map: the
/// "identity" normaliser with SentencePiece's default whitespace rules.
/// </summary>
internal sealed class ModelProtoBuilder
{
    private readonly List<(string Piece, float Score, SentencePieceType Type)> _pieces = [];

    public int ModelType { get; init; } = 1;

    public bool ByteFallback { get; init; }

    /// <summary>Starts with XLM-R's first pieces: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;.</summary>
    public static ModelProtoBuilder Xlmr() => new ModelProtoBuilder()
        .Add("<unk>", 0, SentencePieceType.Unknown)
        .Add("<s>", 0, SentencePieceType.Control)
        .Add("</s>", 0, SentencePieceType.Control);

    public ModelProtoBuilder Add(string piece, float score, SentencePieceType type = SentencePieceType.Normal)
    {
        _pieces.Add((piece, score, type));
        return this;
    }

    public byte[] Build()
    {
        var model = new List<byte>();
        foreach (var (piece, score, type) in _pieces)
        {
            var message = new List<byte>();
            WriteBytes(message, 1, Encoding.UTF8.GetBytes(piece));
            WriteTag(message, 2, 5);
            message.AddRange(BitConverter.GetBytes(score));
            WriteTag(message, 3, 0);
            WriteVarint(message, (ulong)type);
            WriteBytes(model, 1, [.. message]);
        }
        var trainer = new List<byte>();
        WriteTag(trainer, 3, 0);
        WriteVarint(trainer, (ulong)ModelType);
        if (ByteFallback)
        {
            WriteTag(trainer, 35, 0);
            WriteVarint(trainer, 1);
        }
        WriteBytes(model, 2, [.. trainer]);
        WriteBytes(model, 3, Tagged(1, Encoding.UTF8.GetBytes("identity")));
        return [.. model];
    }

    private static byte[] Tagged(int field, byte[] value)
    {
        var bytes = new List<byte>();
        WriteBytes(bytes, field, value);
        return [.. bytes];
    }

    private static void WriteBytes(List<byte> output, int field, byte[] value)
    {
        WriteTag(output, field, 2);
        WriteVarint(output, (ulong)value.Length);
        output.AddRange(value);
    }

    private static void WriteTag(List<byte> output, int field, int wireType) => WriteVarint(output, ((ulong)field << 3) | (uint)wireType);

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }
}
