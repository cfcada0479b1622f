using Melm.Models.Checkpoints.Hub;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>Shows a fetch's progress reports as one Spectre progress bar per file (bytes, rate, time left).</summary>
internal sealed class FetchProgressDisplay(ProgressContext context) : IProgress<FetchProgress>
{
    private readonly Dictionary<string, ProgressTask> tasks = new(StringComparer.Ordinal);

    public void Report(FetchProgress value)
    {
        lock (tasks)
        {
            var name = Markup.Escape(value.File);
            if (!tasks.TryGetValue(value.File, out var task))
            {
                task = context.AddTask(name, autoStart: true, maxValue: Math.Max(1, value.TotalBytes ?? 1));
                tasks.Add(value.File, task);
            }
            switch (value.State)
            {
                case FetchFileState.Started:
                    task.IsIndeterminate = value.TotalBytes is null;
                    task.MaxValue = Math.Max(1, value.TotalBytes ?? 1);
                    task.Value = value.BytesDone;
                    task.Description = value.BytesDone > 0 ? $"{name} [grey](resuming)[/]" : name;
                    break;
                case FetchFileState.Receiving:
                    task.Value = value.BytesDone;
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
                    task.Description = name;
                    task.MaxValue = Math.Max(1, value.TotalBytes ?? value.BytesDone);
                    task.Value = task.MaxValue;
                    task.StopTask();
                    break;
            }
        }
    }
}
