using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Melm.Models.Checkpoints;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Nn;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Checkpoints;

public class SafetensorsFileTests
{
    [Fact]
    public void WrittenHeaderIsSortedContiguousAndPaddedToEightBytes()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("t.safetensors");
        using (var scope = NewDisposeScope())
        {
            SafetensorsFile.Write(path, [("b", ones(2, 3)), ("a", arange(5, ScalarType.Float32)), ("c", ones(3, ScalarType.BFloat16))]);
        }
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Equal(header.TrimEnd(' ').Length + (headerLength - Encoding.UTF8.GetByteCount(header.TrimEnd(' '))), headerLength);
        using var json = JsonDocument.Parse(header);
        var entries = json.RootElement.EnumerateObject().ToList();
        Assert.Equal(["__metadata__", "a", "b", "c"], entries.Select(e => e.Name));
        Assert.Equal("pt", entries[0].Value.GetProperty("format").GetString());
        long expectedBegin = 0;
        foreach (var entry in entries.Skip(1))
        {
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            Assert.Equal(expectedBegin, offsets[0]);
            expectedBegin = offsets[1];
        }
        Assert.Equal(bytes.Length - 8 - headerLength, expectedBegin);
        Assert.Equal("BF16", entries[3].Value.GetProperty("dtype").GetString());
    }

    [Fact]
    public void RoundTripKeepsValuesShapesAndDtypes()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("t.safetensors");
        using var scope = NewDisposeScope();
        var f32 = randn(3, 4);
        var f16 = randn(2, 2).to(ScalarType.Float16);
        var bf16 = randn(5).to(ScalarType.BFloat16);
        var i64 = arange(4, ScalarType.Int64).reshape(1, 4);
        SafetensorsFile.Write(path, [("f32", f32), ("f16", f16), ("bf16", bf16), ("i64", i64)]);
        var read = SafetensorsFile.Open(path).ToDictionary(t => t.Key);
        foreach (var (key, original) in new[] { ("f32", f32), ("f16", f16), ("bf16", bf16), ("i64", i64) })
        {
            var tensor = read[key].Read();
            Assert.Equal(original.dtype, tensor.dtype);
            Assert.Equal(original.shape, tensor.shape);
            Assert.True(original.eq(tensor).all().item<bool>(), key);
        }
    }

    [Fact]
    public void CorruptHeaderNamesTheFile()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("bad.safetensors");
        var json = Encoding.UTF8.GetBytes("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_");
        var bytes = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InputException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt safetensors header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderLengthBeyondTheFileIsCorrupt()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("bad.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InputException>(() => SafetensorsFile.Open(path));
        Assert.Contains("claims 1000000 bytes", e.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<InputException>(() => SafetensorsFile.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedDataNamesTheFileAndTheTensor()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("t.safetensors");
        using (var scope = NewDisposeScope())
            SafetensorsFile.Write(path, [("first", ones(4)), ("second", ones(8))]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var e = Assert.Throws<InputException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated: tensor 'second'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OffsetsThatDisagreeWithTheShapeAreCorrupt()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("bad.safetensors");
        var json = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}");
        var bytes = new byte[8 + json.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InputException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 'w' (F32 [2, 2]) needs 16 bytes", e.Message, StringComparison.Ordinal);
    }
}
