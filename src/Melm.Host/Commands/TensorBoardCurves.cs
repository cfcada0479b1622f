using Melm.Models.Diagnostics;
using static TorchSharp.torch.utils;

namespace Melm.Host.Commands;

/// <summary>
/// Training curves as TensorBoard event files, written by TorchSharp's SummaryWriter into one folder
/// (`tensorboard --logdir` it, or its parent to compare runs). Each process that trains appends a
/// new event file; TensorBoard reads a folder's files as one run, so a resumed training's points,
/// whose steps continue the earlier ones, join the same curves. A training that starts from step 0
/// first deletes the event files an earlier attempt left in the folder, whose steps it would repeat.
/// </summary>
internal sealed class TensorBoardCurves(string folder) : ITrainingCurves
{
    private const string EventFilePrefix = "events.out.tfevents.";
    private TorchSharp.Modules.SummaryWriter? _writer;

    public string Folder { get; } = folder;

    public void Start(int doneSteps)
    {
        if (doneSteps == 0 && Directory.Exists(Folder))
        {
            foreach (var file in Directory.EnumerateFiles(Folder, EventFilePrefix + "*"))
                File.Delete(file);
        }
    }

    public void Scalar(string tag, double value, int globalStep)
    {
        // A figure with nothing to measure (no held-out lines, no dev set) is NaN: left out, not drawn.
        if (!double.IsFinite(value))
            return;
        // The writer makes its file when created: a training with nothing left to do leaves none.
        _writer ??= tensorboard.SummaryWriter(Folder);
        _writer.add_scalar(tag, (float)value, globalStep);
    }
}
