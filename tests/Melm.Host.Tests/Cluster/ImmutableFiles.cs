using System.Diagnostics;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// Files that no process can write until disposed, not even one that holds them open or runs as
/// root: `chattr +i`. A chmod would not do: the node keeps its journal open, and open files stay
/// writable (as every file does for root). Skips the calling test where the flag cannot be set
/// (not root, or a file system without it).
/// </summary>
internal sealed class ImmutableFiles : IDisposable
{
    private readonly string[] _paths;

    private ImmutableFiles(string[] paths) => _paths = paths;

    public static ImmutableFiles Make(params string[] paths)
    {
        var (code, error) = Chattr("+i", paths);
        if (code != 0)
            Assert.Skip($"needs chattr +i (root, on ext4 or the like) to make a file read-only for a process that holds it open: {error}");
        return new ImmutableFiles(paths);
    }

    public void Dispose()
    {
        var (code, error) = Chattr("-i", _paths);
        if (code != 0)
            throw new InvalidOperationException($"chattr -i failed on {string.Join(", ", _paths)}: {error}");
    }

    private static (int Code, string Error) Chattr(string flag, string[] paths)
    {
        var start = new ProcessStartInfo("chattr") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(flag);
        foreach (var path in paths)
            start.ArgumentList.Add(path);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
