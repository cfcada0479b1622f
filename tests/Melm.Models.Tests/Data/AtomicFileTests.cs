using Melm.Models.Data;

namespace Melm.Models.Tests.Data;

public sealed class AtomicFileTests
{
    [Fact]
    public void AWriteThatRunsOutOfRoomLeavesThePreviousFileAndNoTemporaryOne()
    {
        using var disk = TinyDisk.Mount(1);
        var path = disk.Combine("out.jsonl");
        AtomicFile.Write(path, "previous\n"u8.ToArray());
        disk.Fill();
        var before = TinyDisk.Snapshot(disk.Path);

        var bigger = new byte[256 * 1024];
        Array.Fill(bigger, (byte)'x');
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, bigger));
        TinyDisk.AssertUnchanged(before, disk.Path);

        disk.Free();
        AtomicFile.Write(path, bigger);
        Assert.Equal(bigger, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(disk.Path));
    }

    [Fact]
    public void AWriteKilledHalfwayIsReplacedWholeByTheNextWrite()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("summary.json");
        // What a process killed mid-write leaves: part of the bytes under the temporary name, nothing under the real one.
        File.WriteAllText(path + ".tmp", "{\"meth");

        AtomicFile.Write(path, "{\"method\":\"melm\"}\n"u8.ToArray());
        Assert.Equal("{\"method\":\"melm\"}\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }
}
