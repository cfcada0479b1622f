using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Melm.Models.Diagnostics;
using static TorchSharp.torch;

namespace Melm.Models.Checkpoints;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each key to
/// dtype, shape and [begin, end) byte offsets into the data that follows, and an optional
/// `__metadata__` of strings. Every problem names the file.
/// </summary>
public static class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";

    /// <summary>A header larger than this is corrupt, not a model (the reference reader uses the same bound).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, ScalarType> DTypes = new(StringComparer.Ordinal)
    {
        ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["F64"] = ScalarType.Float64, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>Reads and checks the header; tensor data is read only when asked for.</summary>
    public static IReadOnlyList<CheckpointTensor> Open(string path)
    {
        long fileLength;
        byte[] header;
        try
        {
            using var stream = File.OpenRead(path);
            fileLength = stream.Length;
            Span<byte> lengthBytes = stackalloc byte[8];
            if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
                throw Problem(path, $"too short to be safetensors ({fileLength} bytes)");
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
                throw Problem(path, $"corrupt safetensors header: it claims {headerLength} bytes, the file has {fileLength - 8} after the length");
            header = new byte[headerLength];
            stream.ReadExactly(header);
        }
        catch (IOException e)
        {
            throw Problem(path, $"cannot read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw Problem(path, $"cannot read: {e.Message}");
        }
        return ParseHeader(path, header, fileLength);
    }

    /// <summary>Writes tensors (sorted by key, contiguous, header padded with spaces to 8 bytes) as the reference implementation does.</summary>
    public static void Write(string path, IEnumerable<(string Key, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var dtypeNames = DTypes.ToDictionary(p => p.Value, p => p.Key);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata ?? new Dictionary<string, string> { ["format"] = "pt" })
                json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (key, tensor) in entries)
            {
                if (!dtypeNames.TryGetValue(tensor.dtype, out var dtype))
                    throw new ArgumentException($"tensor {key} has dtype {tensor.dtype}, which safetensors writing does not support");
                var size = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(key);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var dim in tensor.shape)
                    json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++)
            buffer.WriteByte((byte)' ');

        var temporary = path + ".partial";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)buffer.Length);
            file.Write(length);
            buffer.Position = 0;
            buffer.CopyTo(file);
            foreach (var (_, tensor) in entries)
            {
                using var scope = NewDisposeScope();
                var cpu = tensor.detach().to(CPU).contiguous();
                file.Write(cpu.bytes);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static List<CheckpointTensor> ParseHeader(string path, byte[] header, long fileLength)
    {
        var dataStart = 8L + header.Length;
        var dataLength = fileLength - dataStart;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Problem(path, $"corrupt safetensors header (not JSON: {e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Problem(path, "corrupt safetensors header (not a JSON object)");
            var result = new List<CheckpointTensor>();
            var problems = new List<InputProblem>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                    continue;
                var entry = ParseEntry(path, property, dataStart, dataLength, problems);
                if (entry is not null)
                    result.Add(entry);
            }
            if (problems.Count > 0)
                throw new InputException(problems);
            return result;
        }
    }

    private static CheckpointTensor? ParseEntry(string path, JsonProperty property, long dataStart, long dataLength, List<InputProblem> problems)
    {
        var key = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.ValueKind != JsonValueKind.Array || offsetsJson.GetArrayLength() != 2)
        {
            problems.Add(new(path, null, $"corrupt safetensors header: entry '{key}' needs dtype, shape and two data_offsets"));
            return null;
        }
        var dtypeName = dtypeJson.GetString()!;
        if (!DTypes.TryGetValue(dtypeName, out var dtype))
        {
            problems.Add(new(path, null, $"tensor '{key}' has dtype {dtypeName}, which is not supported (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)"));
            return null;
        }
        var shape = new List<long>();
        foreach (var dim in shapeJson.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0)
            {
                problems.Add(new(path, null, $"corrupt safetensors header: tensor '{key}' has shape {shapeJson.GetRawText()}"));
                return null;
            }
            shape.Add(d);
        }
        long[] offsets = new long[2];
        for (var i = 0; i < 2; i++)
        {
            var o = offsetsJson[i];
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out offsets[i]) || offsets[i] < 0)
            {
                problems.Add(new(path, null, $"corrupt safetensors header: tensor '{key}' has data_offsets {offsetsJson.GetRawText()}"));
                return null;
            }
        }
        var (begin, end) = (offsets[0], offsets[1]);
        var elementSize = ElementSize(dtype);
        var expectedBytes = shape.Aggregate(1L, (a, b) => a * b) * elementSize;
        if (end < begin || end - begin != expectedBytes)
        {
            problems.Add(new(path, null, string.Create(CultureInfo.InvariantCulture,
                $"corrupt safetensors header: tensor '{key}' ({dtypeName} {CheckpointTensor.FormatShape(shape)}) needs {expectedBytes} bytes, data_offsets give [{begin}, {end})")));
            return null;
        }
        if (end > dataLength)
        {
            problems.Add(new(path, null, string.Create(CultureInfo.InvariantCulture,
                $"truncated: tensor '{key}' ends at data byte {end}, the file holds only {dataLength} data bytes")));
            return null;
        }
        var shapeArray = shape.ToArray();
        return new CheckpointTensor(key, path, dtype, shapeArray, () => ReadData(path, dataStart + begin, dtype, shapeArray));
    }

    private static Tensor ReadData(string path, long position, ScalarType dtype, long[] shape)
    {
        var result = empty(shape, dtype, CPU);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            stream.Position = position;
            var buffer = new byte[checked((int)(result.numel() * result.ElementSize))];
            stream.ReadExactly(buffer);
            result.bytes = buffer;
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Dispose();
            throw Problem(path, $"cannot read tensor data at byte {position}: {e.Message}");
        }
    }

    internal static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static InputException Problem(string path, string message) => new(path, null, message);
}
