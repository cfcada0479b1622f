using System.Globalization;
using System.IO.Compression;
using Melm.Models.Diagnostics;
using static TorchSharp.torch;

namespace Melm.Models.Checkpoints;

/// <summary>
/// `pytorch_model.bin` as torch.save writes it: a zip holding `PREFIX/data.pkl` (the state dict,
/// read by <see cref="StateDictUnpickler"/>) and the raw storages as `PREFIX/data/KEY`.
/// </summary>
public static class PyTorchCheckpoint
{
    public static IReadOnlyList<CheckpointTensor> Open(string path)
    {
        using var zip = OpenZip(path);
        var pickleEntry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            ?? throw new InputException(path, null, "not a PyTorch zip checkpoint (no data.pkl inside); the legacy pre-1.6 format is not supported");
        var prefix = pickleEntry.FullName[..^"data.pkl".Length];
        byte[] pickle;
        try
        {
            using var stream = pickleEntry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            pickle = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InputException(path, null, $"corrupt zip entry {pickleEntry.FullName}: {e.Message}");
        }

        var problems = new List<InputProblem>();
        var result = new List<CheckpointTensor>();
        foreach (var (key, tensor) in StateDictUnpickler.Read(pickle, path))
        {
            var entryName = prefix + "data/" + tensor.Storage.Key;
            var entry = zip.GetEntry(entryName);
            var storageBytes = tensor.Storage.ElementCount * SafetensorsFile.ElementSize(tensor.Storage.DType);
            if (entry is null)
            {
                problems.Add(new(path, null, $"tensor '{key}': storage {entryName} is missing from the zip"));
                continue;
            }
            if (entry.Length != storageBytes)
            {
                problems.Add(new(path, null, string.Create(CultureInfo.InvariantCulture,
                    $"tensor '{key}': storage {entryName} holds {entry.Length} bytes, expected {storageBytes} (truncated or corrupt)")));
                continue;
            }
            var lastElement = tensor.Offset + tensor.Shape.Zip(tensor.Stride, (n, s) => n == 0 ? 0 : (n - 1) * s).Sum();
            if (tensor.Shape.Any(n => n == 0) ? tensor.Offset > tensor.Storage.ElementCount : lastElement >= tensor.Storage.ElementCount)
            {
                problems.Add(new(path, null, $"tensor '{key}' reaches past the end of its storage"));
                continue;
            }
            result.Add(new CheckpointTensor(key, path, tensor.Storage.DType, tensor.Shape, () => ReadTensor(path, entryName, tensor)));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return result;
    }

    private static ZipArchive OpenZip(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InputException(path, null, $"not a readable PyTorch zip checkpoint (truncated or corrupt): {e.Message}");
        }
        catch (IOException e)
        {
            throw new InputException(path, null, $"cannot read: {e.Message}");
        }
    }

    private static Tensor ReadTensor(string path, string entryName, StateDictUnpickler.TensorRef tensor)
    {
        using var zip = OpenZip(path);
        using var scope = NewDisposeScope();
        var storage = empty([tensor.Storage.ElementCount], tensor.Storage.DType, CPU);
        try
        {
            using var stream = zip.GetEntry(entryName)!.Open();
            var buffer = new byte[checked((int)(storage.numel() * storage.ElementSize))];
            stream.ReadExactly(buffer);
            storage.bytes = buffer;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InputException(path, null, $"cannot read storage {entryName}: {e.Message}");
        }
        return storage.as_strided(tensor.Shape, tensor.Stride, tensor.Offset).contiguous().MoveToOuterDisposeScope();
    }
}
