using System.Diagnostics;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Runs;
using Melm.Models.Tests;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// A `melm` process started from the test's build output (dotnet exec melm.dll), its output kept
/// in files for the failure messages. Dispose kills it (resuming it first if it was stopped).
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;

    public NodeProcess(string logFile, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        LogFile = logFile;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "melm.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        _process = new Process { StartInfo = start };
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var gate = new Lock();
        var open = 2;
        // The file closes when both streams have ended (a null line), not when the process exits:
        // lines still in the pipe at exit are read after that, and WaitForExit() waits for them.
        void Write(string? line)
        {
            lock (gate)
            {
                if (line is not null)
                    log.WriteLine(line);
                else if (--open == 0)
                    log.Dispose();
            }
        }
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit();
        return true;
    }

    /// <summary>kill -9: no shutdown, no leaving the cluster.</summary>
    public void Kill()
    {
        Signal("KILL");
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as Ctrl+C or `docker stop`: the node shuts down gracefully. Returns at once; WaitForExit for the end.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGSTOP: the process stays but answers nothing, so the cluster finds it unreachable.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>Everything the process printed that has reached the file so far (lines trail what the process did).</summary>
    public string Log()
    {
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 200 ms until it holds; past <paramref name="wait"/>,
    /// fails naming <paramref name="what"/> with the end of each node's log.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan wait, IEnumerable<NodeProcess> nodes)
    {
        var deadline = DateTime.UtcNow + wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {wait.TotalSeconds} s for {what}; logs:\n" + string.Join("\n", nodes.Select(n => $"== {n.LogFile}\n{Tail(n.Log())}")));
            await Task.Delay(200);
        }
    }

    /// <summary>A one-sentence MELM run under <paramref name="folder"/> (an empty model folder): enough for an endpoint to take, list and cancel.</summary>
    public static RunSpec OneSentenceRun(TempFolder folder, string runId)
    {
        var corpus = folder.Combine("corpus.jsonl");
        JsonLines.Write([new Sentence("s0", "en", ["Anna", "lives"], ["B-PER", "O"])], corpus);
        Directory.CreateDirectory(folder.Combine("model"));
        var inputs = new RunInputs(corpus, folder.Combine("model"), "melm", null, new GenerationOptions(Rounds: 1, Seed: 1));
        return RunSpecs.For(CorpusFile.Read(corpus), inputs, shardSize: 1, folder.Combine("out-" + runId), runId: runId);
    }

    /// <summary>The end of a log, enough to read a failure without drowning in start-up lines.</summary>
    public static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("CONT");
            Signal("KILL");
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    /// <summary>Sends a signal with kill(1), to this process only.</summary>
    private void Signal(string signal)
    {
        if (_process.HasExited)
            return;
        using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
