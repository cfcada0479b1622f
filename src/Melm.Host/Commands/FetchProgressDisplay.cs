using Melm.Models.Checkpoints.Hub;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>Shows a fetch's progress reports as one Spectre progress bar per file (bytes, rate, time left).</summary>
internal sealed class FetchProgressDisplay(ProgressContext context) : IProgress<FetchProgress>
{
    private readonly Dictionary<string, (ProgressTask Task, long Offset)> files = new(StringComparer.Ordinal);

    public void Report(FetchProgress value)
    {
        lock (files)
        {
            var name = Markup.Escape(value.File);
            if (!files.TryGetValue(value.File, out var file))
            {
                file = (context.AddTask(name, autoStart: true, maxValue: Math.Max(1, value.TotalBytes ?? 1)), 0);
                files.Add(value.File, file);
            }
            var task = file.Task;
            switch (value.State)
            {
                case FetchFileState.Started:
                    // A resumed file's bar covers the bytes still to come, so rate and time left are not
                    // inflated by the bytes already on disk.
                    files[value.File] = (task, value.BytesDone);
                    task.IsIndeterminate = value.TotalBytes is null;
                    task.MaxValue = Math.Max(1, (value.TotalBytes ?? 1) - value.BytesDone);
                    task.Value = 0;
                    task.Description = value.BytesDone > 0 ? $"{name} [grey](resumed at byte {value.BytesDone})[/]" : name;
                    break;
                case FetchFileState.Receiving:
                    task.Value = value.BytesDone - file.Offset;
                    break;
                case FetchFileState.Verifying:
                    task.Description = $"{name} [grey](verifying)[/]";
                    break;
                case FetchFileState.Skipped:
                    task.Description = $"{name} [grey](already present, verified)[/]";
                    task.Value = task.MaxValue;
                    task.StopTask();
                    break;
                case FetchFileState.Completed:
                    task.Description = file.Offset > 0 ? $"{name} [grey](resumed)[/]" : name;
                    task.Value = task.MaxValue;
                    task.StopTask();
                    break;
            }
        }
    }
}
