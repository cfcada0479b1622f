using System.Diagnostics;
using System.Globalization;

namespace Melm.Benchmarks.Chaos;

/// <summary>
/// One `melm node` process (melm.dll beside this benchmark, run with dotnet exec), its output in a log
/// file, and its resident memory sampled from /proc/PID/status: peak and last sample.
/// </summary>
public sealed class NodeChild : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private bool _closed;

    public NodeChild(string role, int incarnation, string logFile, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        Role = role;
        Incarnation = incarnation;
        LogFile = logFile;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "melm.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        _log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Pid = _process.Id;
    }

    public string Role { get; }

    public int Incarnation { get; }

    public string LogFile { get; }

    public int Pid { get; }

    public bool Killed { get; private set; }

    public long PeakRssKb { get; private set; }

    public long LastRssKb { get; private set; }

    public int Samples { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code of a process seen to exit by itself (a node the cluster downed exits), before the soak's end stopped it.</summary>
    public int? ExitedByItself { get; private set; }

    /// <summary>How the process ended: "killed", "exited N" by itself, or "ran to the end".</summary>
    public string End => Killed ? "killed" : ExitedByItself is { } code ? $"exited {code}" : "ran to the end";

    /// <summary>Reads VmRSS once; false once the process is gone.</summary>
    public bool Sample()
    {
        if (RssKb(Pid) is not { } kb)
        {
            if (!Killed && _process.HasExited)
                ExitedByItself ??= _process.ExitCode;
            return false;
        }
        PeakRssKb = Math.Max(PeakRssKb, kb);
        LastRssKb = kb;
        Samples++;
        return true;
    }

    /// <summary>SIGKILL (what Process.Kill sends on Linux): no shutdown, no leaving the cluster.</summary>
    public void Kill()
    {
        Sample();
        Killed = true;
        _process.Kill();
        _process.WaitForExit();
    }

    public string Log()
    {
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        lock (_gate)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    /// <summary>A process's resident set in kB from /proc/PID/status, or null once it is gone.</summary>
    public static long? RssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Write(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            if (!_closed)
                _log.WriteLine(line);
        }
    }
}
