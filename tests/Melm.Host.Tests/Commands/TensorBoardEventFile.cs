using System.Buffers.Binary;
using System.Text;

namespace Melm.Host.Tests.Commands;

/// <summary>One scalar point read back from an event file.</summary>
internal sealed record ScalarPoint(string Tag, long Step, float Value);

/// <summary>
/// Reads TensorBoard event files back, independently of the writer: TFRecord framing (uint64 length,
/// masked CRC-32C of the length, the data, masked CRC-32C of the data), both checksums checked, and
/// just enough protobuf to take each Event's step (field 2) and its Summary's (field 5) values (field 1:
/// tag 1, simple_value 2). Other fields (wall time, file version) are skipped by wire type.
/// </summary>
internal static class TensorBoardEventFile
{
    /// <summary>Every record of a file as its scalar points (none for the file-version record), in order.</summary>
    public static List<List<ScalarPoint>> ReadRecords(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<List<ScalarPoint>>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var header = bytes.AsSpan(offset, 8);
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8, 4)) != MaskedCrc(header))
                throw new InvalidDataException($"{path}: bad length checksum at byte {offset}");
            var data = bytes.AsSpan(offset + 12, length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + length, 4)) != MaskedCrc(data))
                throw new InvalidDataException($"{path}: bad data checksum at byte {offset}");
            records.Add(Event(data));
            offset += 12 + length + 4;
        }
        return records;
    }

    /// <summary>The scalar points of every event file in a folder.</summary>
    public static List<ScalarPoint> ReadFolder(string folder) =>
        [.. Directory.GetFiles(folder, "events.out.tfevents.*").Order(StringComparer.Ordinal).SelectMany(ReadRecords).SelectMany(r => r)];

    private static List<ScalarPoint> Event(ReadOnlySpan<byte> data)
    {
        long step = 0;
        var values = new List<(string Tag, float Value)>();
        foreach (var (field, _, varint, bytes) in Fields(data.ToArray()))
        {
            if (field == 2)
                step = (long)varint;
            else if (field == 5)
            {
                foreach (var value in Fields(bytes!).Where(f => f.Field == 1))
                {
                    var parts = Fields(value.Bytes!);
                    var tag = Encoding.UTF8.GetString(parts.Single(p => p.Field == 1).Bytes!);
                    var number = BinaryPrimitives.ReadSingleLittleEndian(parts.Single(p => p.Field == 2).Bytes!);
                    values.Add((tag, number));
                }
            }
        }
        return [.. values.Select(v => new ScalarPoint(v.Tag, step, v.Value))];
    }

    private static List<(int Field, int WireType, ulong Varint, byte[]? Bytes)> Fields(byte[] data)
    {
        var fields = new List<(int, int, ulong, byte[]?)>();
        var i = 0;
        while (i < data.Length)
        {
            var key = Varint(data, ref i);
            var (field, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0:
                    fields.Add((field, wire, Varint(data, ref i), null));
                    break;
                case 1:
                    fields.Add((field, wire, 0, data[i..(i + 8)]));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(data, ref i);
                    fields.Add((field, wire, 0, data[i..(i + length)]));
                    i += length;
                    break;
                case 5:
                    fields.Add((field, wire, 0, data[i..(i + 4)]));
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wire} of field {field} is not one an Event uses");
            }
        }
        return fields;
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[i++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return result;
        }
    }

    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xffffffffu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
        }
        return ~crc;
    }
}
