using System.IO.Compression;
using Melm.Models.Checkpoints;
using Melm.Models.Diagnostics;
using Melm.Models.Tests.Nn;

namespace Melm.Models.Tests.Checkpoints;

public class PyTorchCheckpointTests
{
    [Fact]
    public void FixtureBinHoldsTheSameTensorsAsItsSafetensors()
    {
        var bin = PyTorchCheckpoint.Open(SharedFiles.Require("fixtures/tiny-xlmr/pytorch/pytorch_model.bin"));
        var safetensors = SafetensorsFile.Open(SharedFiles.Require("fixtures/tiny-xlmr/model.safetensors")).ToDictionary(t => t.Key);
        Assert.Equal(safetensors.Keys.Order(StringComparer.Ordinal), bin.Select(t => t.Key).Order(StringComparer.Ordinal));
        foreach (var tensor in bin)
        {
            using var fromBin = tensor.Read();
            using var fromSafetensors = safetensors[tensor.Key].Read();
            Assert.Equal(fromSafetensors.dtype, fromBin.dtype);
            Assert.True(fromSafetensors.eq(fromBin).all().item<bool>(), tensor.Key);
        }
    }

    [Fact]
    public void PickleThatNamesOtherGlobalsIsRefused()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("pytorch_model.bin");
        // protocol 2: GLOBAL os.system, ('echo',), REDUCE, STOP
        byte[] pickle = [0x80, 2, .. "cos\nsystem\n"u8, (byte)'X', 4, 0, 0, 0, .. "echo"u8, 0x85, (byte)'R', (byte)'.'];
        WriteZip(path, ("archive/data.pkl", pickle));
        var e = Assert.Throws<InputException>(() => PyTorchCheckpoint.Open(path));
        Assert.Contains("os.system", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedOrForeignFilesNameTheFile()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("pytorch_model.bin");
        var original = File.ReadAllBytes(SharedFiles.Require("fixtures/tiny-xlmr/pytorch/pytorch_model.bin"));
        File.WriteAllBytes(path, original[..(original.Length / 2)]);
        var e = Assert.Throws<InputException>(() => PyTorchCheckpoint.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        WriteZip(path, ("model/other.txt", [1, 2, 3]));
        Assert.Contains("no data.pkl", Assert.Throws<InputException>(() => PyTorchCheckpoint.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageOfTheWrongSizeIsRefused()
    {
        using var folder = TinyModels.Scratch();
        var path = folder.File("pytorch_model.bin");
        var fixture = SharedFiles.Require("fixtures/tiny-xlmr/pytorch/pytorch_model.bin");
        using (var source = ZipFile.OpenRead(fixture))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                var bytes = entry.FullName.EndsWith("/data/1", StringComparison.Ordinal) ? buffer.ToArray()[..100] : buffer.ToArray();
                using var output = target.CreateEntry(entry.FullName).Open();
                output.Write(bytes);
            }
        }
        var e = Assert.Throws<InputException>(() => PyTorchCheckpoint.Open(path));
        Assert.Contains("holds 100 bytes, expected 5120", e.Message, StringComparison.Ordinal);
    }

    private static void WriteZip(string path, params (string Name, byte[] Data)[] entries)
    {
        File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(data);
        }
    }
}
