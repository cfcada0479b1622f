using System.Diagnostics;

namespace Melm.Models.Tests;

/// <summary>
/// A small tmpfs mounted on a fresh folder and filled up for real, so writes there fail with "No space
/// left on device" as on a full disk: no fault injected into the code under test. Needs mount(8) and the
/// right to use it (root, as in CI); where that is refused the test skips and says why.
/// </summary>
public sealed class TinyDisk : IDisposable
{
    private readonly string _filler;

    private TinyDisk(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "filler");
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public static TinyDisk Mount(int megabytes)
    {
        var folder = Directory.CreateTempSubdirectory("melm-disk-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder);
        if (code != 0)
        {
            Directory.Delete(folder);
            Assert.Skip($"cannot mount a tmpfs to fill up (mount said: {output.Trim()}); this test needs root and mount(8)");
        }
        return new TinyDisk(folder);
    }

    /// <summary>Takes every free page: from now on a new file cannot get a byte.</summary>
    public void Fill()
    {
        using var stream = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { 1 << 20, 4096 })
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                    stream.Write(chunk);
            }
            catch (IOException)
            {
                // Full at this chunk size; the next, smaller one takes what is left.
            }
        }
        Assert.True(new DriveInfo(Path).AvailableFreeSpace < 4096, $"the disk at {Path} did not fill up");
    }

    /// <summary>Every file under <paramref name="root"/> by its path relative to it, with its bytes.</summary>
    public static Dictionary<string, byte[]> Snapshot(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => System.IO.Path.GetRelativePath(root, f), File.ReadAllBytes);

    /// <summary>The folder holds exactly the files of <paramref name="before"/>, byte for byte: nothing half written beside them.</summary>
    public static void AssertUnchanged(Dictionary<string, byte[]> before, string root)
    {
        var after = Snapshot(root);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, file => Assert.Equal(file.Value, after[file.Key]));
    }

    /// <summary>Gives the room back.</summary>
    public void Free() => File.Delete(_filler);

    public void Dispose()
    {
        if (Run("umount", Path).Code != 0)
            Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static (int Code, string Output) Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
