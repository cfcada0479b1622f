using System.CommandLine;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>`--tensorboard DIR` and `--no-tensorboard`, shared by the commands that train.</summary>
internal sealed class TensorBoardArguments
{
    public const string DefaultFolderName = "tensorboard";

    private readonly Option<DirectoryInfo?> _folder;
    private readonly Option<bool> _off = new("--no-tensorboard") { Description = "Write no training curves." };

    /// <param name="stages">For augment and submit: a subfolder per training stage (filter-tagger, fine-tune).</param>
    public TensorBoardArguments(bool stages = false) =>
        _folder = new("--tensorboard")
        {
            HelpName = "DIR",
            Description = stages
                ? "Folder for the training stages' curves, TensorBoard event files in filter-tagger/ and fine-tune/ (train/loss, train/lr, speed, dev figures) [default: OUT/tensorboard]."
                : "Folder for the training curves, TensorBoard event files (train/loss, train/lr, speed, dev or held-out figures) [default: OUT/tensorboard].",
        };

    /// <summary>Both options, for a command to add.</summary>
    public IEnumerable<Option> Options => [_folder, _off];

    public void AddTo(Command command)
    {
        command.Options.Add(_folder);
        command.Options.Add(_off);
    }

    /// <summary>The curves to write: under <paramref name="outFolder"/>/tensorboard unless the options say otherwise.</summary>
    public ITrainingCurves Read(ParseResult parseResult, string outFolder)
    {
        var (folder, off) = ReadSetting(parseResult);
        return off ? NoTrainingCurves.Instance : new TensorBoardCurves(folder ?? Path.Combine(outFolder, DefaultFolderName));
    }

    /// <summary>The options as given: --tensorboard's full path or null, and whether --no-tensorboard is set.</summary>
    public (string? Folder, bool Off) ReadSetting(ParseResult parseResult)
    {
        var folder = parseResult.GetValue(_folder);
        var off = parseResult.GetValue(_off);
        if (off && folder is not null)
            throw new InputException("--no-tensorboard", null, "contradicts --tensorboard; give one of them");
        return (folder?.FullName, off);
    }
}
