using System.Buffers.Binary;

namespace Melm.Models.Text;

/// <summary>
/// Reads the protobuf wire format, just enough for SentencePiece's ModelProto. The package that
/// ships a generated ModelProto keeps it internal, and the format is small enough to read by hand.
/// Malformed data throws <see cref="FormatException"/>.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Reads the next field's number and wire type; false at the end of the data.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (_position >= _data.Length)
            return false;
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
            throw new FormatException($"invalid field number {tag >> 3}");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
                throw new FormatException("data ends inside a varint");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw new FormatException("a field runs past the end of the data");
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public float ReadFloat()
    {
        if (_data.Length - _position < 4)
            throw new FormatException("data ends inside a fixed32 field");
        var value = BinaryPrimitives.ReadSingleLittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    /// <summary>Skips a field of a wire type this reader does not interpret; groups are refused.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Advance(8);
                break;
            case LengthDelimited:
                ReadLengthDelimited();
                break;
            case Fixed32:
                Advance(4);
                break;
            default:
                throw new FormatException($"unsupported wire type {wireType}");
        }
    }

    /// <summary>Checks that a known field has the wire type its schema gives it.</summary>
    public static void Expect(int field, int wireType, int expected)
    {
        if (wireType != expected)
            throw new FormatException($"field {field} has wire type {wireType}, expected {expected}");
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
            throw new FormatException("data ends inside a fixed-size field");
        _position += count;
    }
}
