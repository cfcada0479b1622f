using Melm.Models.Checkpoints;
using TorchSharp.Modules;

namespace Melm.Models.Mlm;

/// <summary>
/// The resume bookkeeping that fine-tuning and pretraining share: a checkpoint is the weights, the
/// optimizer's state (<see cref="OptimizerFile"/>) and the trainer's own state file
/// (<see cref="StateFile"/>, step or epoch and what ties it to its run), written as one staged
/// checkpoint with the state file moved in last (<see cref="StagedFolder"/>). So a full disk leaves the
/// last good checkpoint, and a checkpoint without its state file is never resumed from. What the state
/// file holds, and how it is checked against the run resuming it, stays each trainer's.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string StateFile = "state.json";

    public const string OptimizerFile = "optimizer.bin";

    /// <param name="stateFolder">Where the optimizer and state files go.</param>
    /// <param name="writeWeights">Writes the weights (and whatever goes with them) into the staging folder it is given.</param>
    /// <param name="state">The state file's bytes.</param>
    /// <param name="weightsFolder">Where the weights go when not beside the state (pretraining keeps them at the top of its folder).</param>
    public static void Save(string stateFolder, Action<string> writeWeights, OptimizerHelper optimizer, byte[] state, string? weightsFolder = null) =>
        StagedFolder.Write(stateFolder, StateFile, staging =>
        {
            writeWeights(staging);
            optimizer.save_state_dict(Path.Combine(staging, OptimizerFile));
            File.WriteAllBytes(Path.Combine(staging, StateFile), state);
        }, destination: weightsFolder is null ? null : name => name == OptimizerFile ? stateFolder : weightsFolder);

    /// <summary>The state file's path when the folder holds a checkpoint, else null.</summary>
    public static string? StatePath(string stateFolder)
    {
        var path = Path.Combine(stateFolder, StateFile);
        return File.Exists(path) ? path : null;
    }

    public static void LoadOptimizer(OptimizerHelper optimizer, string stateFolder) =>
        optimizer.load_state_dict(Path.Combine(stateFolder, OptimizerFile));
}
