using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Melm.Models.Diagnostics;
using static TorchSharp.torch;

namespace Melm.Models.Checkpoints;

/// <summary>
/// A deliberately small unpickler for the `data.pkl` that torch.save writes for a state dict:
/// a dict (or collections.OrderedDict) of key -> torch._utils._rebuild_tensor_v2(storage, ...),
/// storages as persistent ids. It never imports or calls anything: the few globals it knows are
/// interpreted here, any other is refused.
/// </summary>
internal static class StateDictUnpickler
{
    /// <summary>A tensor view on a storage, as _rebuild_tensor_v2 describes it.</summary>
    internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Shape, long[] Stride);

    /// <summary>A storage: its dtype, its key (the file data/KEY in the zip) and its element count.</summary>
    internal sealed record StorageRef(ScalarType DType, string Key, long ElementCount);

    private sealed record Global(string Module, string Name)
    {
        public override string ToString() => $"{Module}.{Name}";
    }

    private sealed class Mark
    {
        public static readonly Mark Instance = new();
    }

    private static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32, ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16, ["DoubleStorage"] = ScalarType.Float64,
        ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16, ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte, ["BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>Reads the pickle into key -> tensor reference, in file order.</summary>
    public static IReadOnlyList<(string Key, TensorRef Tensor)> Read(byte[] pickle, string source)
    {
        try
        {
            return ToStateDict(Run(pickle, source), source);
        }
        catch (IndexOutOfRangeException)
        {
            throw Refuse(source, "the pickle ends early or is corrupt");
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Refuse(source, "the pickle ends early or is corrupt");
        }
        catch (InvalidCastException)
        {
            throw Refuse(source, "the pickle is not a PyTorch state dict (unexpected value types)");
        }
    }

    private static object? Run(byte[] data, string source)
    {
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        var pos = 0;

        object? Pop()
        {
            if (stack.Count == 0)
                throw Refuse(source, "corrupt pickle (stack underflow)");
            var top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return top;
        }
        List<object?> PopMark()
        {
            if (marks.Count == 0)
                throw Refuse(source, "corrupt pickle (no mark)");
            var start = marks.Pop();
            var items = stack.GetRange(start, stack.Count - start);
            stack.RemoveRange(start, stack.Count - start);
            return items;
        }
        string Line()
        {
            var end = Array.IndexOf(data, (byte)'\n', pos);
            if (end < 0)
                throw Refuse(source, "corrupt pickle (unterminated line)");
            var text = Encoding.UTF8.GetString(data, pos, end - pos);
            pos = end + 1;
            return text;
        }
        string Text(int length)
        {
            var text = Encoding.UTF8.GetString(data.AsSpan(pos, length));
            pos += length;
            return text;
        }

        while (true)
        {
            if (pos >= data.Length)
                throw Refuse(source, "the pickle ends without a STOP opcode");
            var opcode = data[pos++];
            switch (opcode)
            {
                case 0x80: pos += 1; break; // PROTO
                case 0x95: pos += 8; break; // FRAME
                case (byte)'.': return stack.Count == 1 ? stack[0] : throw Refuse(source, "corrupt pickle (stack at STOP)");
                case (byte)'(': marks.Push(stack.Count); break;
                case (byte)'}': stack.Add(new Dictionary<string, object?>()); break;
                case (byte)']': stack.Add(new List<object?>()); break;
                case (byte)')': stack.Add(Array.Empty<object?>()); break;
                case (byte)'N': stack.Add(null); break;
                case 0x88: stack.Add(true); break;
                case 0x89: stack.Add(false); break;
                case (byte)'K': stack.Add((long)data[pos]); pos += 1; break;
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(pos))); pos += 2; break;
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(pos))); pos += 4; break;
                case 0x8a: // LONG1
                    {
                        int n = data[pos++];
                        if (n > 8)
                            throw Refuse(source, "an integer in the pickle is too large");
                        long value = 0;
                        for (var i = n - 1; i >= 0; i--)
                            value = (value << 8) | data[pos + i];
                        if (n is > 0 and < 8 && (data[pos + n - 1] & 0x80) != 0)
                            value -= 1L << (8 * n);
                        pos += n;
                        stack.Add(value);
                        break;
                    }
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(pos))); pos += 8; break;
                case (byte)'X': { var n = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(pos)); pos += 4; stack.Add(Text(n)); break; }
                case 0x8c: { int n = data[pos++]; stack.Add(Text(n)); break; }
                case 0x8d: { var n = checked((int)BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(pos))); pos += 8; stack.Add(Text(n)); break; }
                case (byte)'q': memo[data[pos]] = stack[^1]; pos += 1; break;
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos))] = stack[^1]; pos += 4; break;
                case 0x94: memo[memo.Count] = stack[^1]; break;
                case (byte)'h': stack.Add(Memo(memo, data[pos], source)); pos += 1; break;
                case (byte)'j': stack.Add(Memo(memo, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)), source)); pos += 4; break;
                case (byte)'t': stack.Add(PopMark().ToArray()); break;
                case 0x85: { var a = Pop(); stack.Add(new[] { a }); break; }
                case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                case (byte)'c': stack.Add(CheckGlobal(Line(), Line(), source)); break;
                case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; stack.Add(CheckGlobal(module, name, source)); break; }
                case (byte)'Q': stack.Add(PersistentLoad(Pop(), source)); break;
                case (byte)'R': { var args = (object?[])Pop()!; var callable = Pop(); stack.Add(Call(callable, args, source)); break; }
                case (byte)'b': // BUILD: only the attributes of an OrderedDict (torch's _metadata), which a load does not need
                    {
                        Pop();
                        if (stack.Count == 0 || stack[^1] is not Dictionary<string, object?>)
                            throw Refuse(source, "the pickle builds an object that is not a dict");
                        break;
                    }
                case (byte)'s': { var value = Pop(); var key = Pop(); SetItem(stack[^1], key, value, source); break; }
                case (byte)'u':
                    {
                        var items = PopMark();
                        for (var i = 0; i + 1 < items.Count; i += 2)
                            SetItem(stack[^1], items[i], items[i + 1], source);
                        break;
                    }
                case (byte)'a': { var value = Pop(); ((List<object?>)stack[^1]!).Add(value); break; }
                case (byte)'e': { var items = PopMark(); ((List<object?>)stack[^1]!).AddRange(items); break; }
                default:
                    throw Refuse(source, string.Create(CultureInfo.InvariantCulture,
                        $"the pickle uses opcode 0x{opcode:x2} at byte {pos - 1}, which a PyTorch state dict does not need; refusing to read it"));
            }
        }
    }

    private static object? Memo(Dictionary<long, object?> memo, long index, string source) =>
        memo.TryGetValue(index, out var value) ? value : throw Refuse(source, "corrupt pickle (unknown memo entry)");

    private static Global CheckGlobal(string module, string name, string source)
    {
        var known = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2") => true,
            ("torch._utils", "_rebuild_parameter") => true,
            ("torch", var storage) when StorageTypes.ContainsKey(storage) => true,
            _ => false,
        };
        return known ? new Global(module, name)
            : throw Refuse(source, $"the pickle refers to {module}.{name}, which a PyTorch state dict does not need; refusing to load it");
    }

    private static StorageRef PersistentLoad(object? pid, string source)
    {
        if (pid is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is Global { Module: "torch" } type
            && t[2] is string key && t[4] is long count && StorageTypes.TryGetValue(type.Name, out var dtype))
        {
            return new StorageRef(dtype, key, count);
        }
        throw Refuse(source, "the pickle has a persistent id that is not a torch storage");
    }

    private static object? Call(object? callable, object?[] args, string source)
    {
        switch (callable)
        {
            case Global { Name: "OrderedDict" } when args.Length == 0:
                return new Dictionary<string, object?>();
            case Global { Name: "_rebuild_tensor_v2" } when args.Length >= 4 && args[0] is StorageRef storage:
                return new TensorRef(storage, (long)args[1]!, Longs(args[2], source), Longs(args[3], source));
            case Global { Name: "_rebuild_parameter" } when args.Length >= 1 && args[0] is TensorRef tensor:
                return tensor;
            default:
                throw Refuse(source, $"the pickle calls {callable} in a way a PyTorch state dict does not");
        }
    }

    private static long[] Longs(object? value, string source) =>
        value is object?[] items && items.All(i => i is long) ? items.Select(i => (long)i!).ToArray()
            : throw Refuse(source, "a tensor's size or stride in the pickle is not a tuple of integers");

    private static void SetItem(object? target, object? key, object? value, string source)
    {
        if (target is not Dictionary<string, object?> dict || key is not string text)
            throw Refuse(source, "the pickle sets an item on something other than a dict with string keys");
        dict[text] = value;
    }

    private static List<(string, TensorRef)> ToStateDict(object? root, string source)
    {
        if (root is not Dictionary<string, object?> dict)
            throw Refuse(source, "the pickle does not hold a dict of tensors (a state dict)");
        var result = new List<(string, TensorRef)>();
        foreach (var (key, value) in dict)
        {
            if (value is not TensorRef tensor)
                throw Refuse(source, $"entry '{key}' is not a tensor: the file is not a plain state dict");
            result.Add((key, tensor));
        }
        return result;
    }

    private static InputException Refuse(string source, string message) => new(source, null, message);
}
