using System.CommandLine;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Host.Commands;

/// <summary>`--tensorboard DIR` and `--no-tensorboard`, shared by the commands that train.</summary>
internal sealed class TensorBoardArguments
{
    public const string DefaultFolderName = "tensorboard";

    private readonly Option<DirectoryInfo?> _folder = new("--tensorboard")
    {
        Description = "Folder for the training curves (TensorBoard event files: train/loss, train/lr, speed, dev or held-out figures) [default: OUT/tensorboard].",
    };
    private readonly Option<bool> _off = new("--no-tensorboard") { Description = "Write no training curves." };

    public void AddTo(Command command)
    {
        command.Options.Add(_folder);
        command.Options.Add(_off);
    }

    /// <summary>The curves to write: under <paramref name="outFolder"/>/tensorboard unless the options say otherwise.</summary>
    public ITrainingCurves Read(ParseResult parseResult, string outFolder)
    {
        var folder = parseResult.GetValue(_folder);
        if (parseResult.GetValue(_off))
        {
            if (folder is not null)
                throw new InputException("--no-tensorboard", null, "contradicts --tensorboard; give one of them");
            return NoTrainingCurves.Instance;
        }
        return new TensorBoardCurves(folder?.FullName ?? Path.Combine(outFolder, DefaultFolderName));
    }
}
