using System.Globalization;

namespace Melm.Models.Augmentation;

/// <summary>
/// One fine-tuning epoch's figures: mean training loss over masked entity subwords, the dev loss,
/// and the share of the dev set's masked entity subwords predicted exactly (null in checkpoints
/// written before it was measured).
/// </summary>
public sealed record FineTuneEpoch(int Epoch, double TrainLoss, double? DevLoss, double? DevAccuracy = null);

/// <summary>What fine-tuning left in its folder.</summary>
/// <param name="Folder">The folder holding the best epoch's model (load it with <see cref="MelmModel.Load"/>).</param>
/// <param name="BestEpoch">1-based epoch with the lowest dev loss (the last without dev data).</param>
/// <param name="BestDevLoss">That epoch's dev loss; null without dev data.</param>
/// <param name="Epochs">Every completed epoch, including those of earlier runs this one resumed.</param>
/// <param name="ResumedAfterEpoch">The epoch a previous run had completed; 0 for a fresh run.</param>
public sealed record FineTuneResult(string Folder, int BestEpoch, double? BestDevLoss, IReadOnlyList<FineTuneEpoch> Epochs, int ResumedAfterEpoch)
{
    /// <summary>The best epoch's dev accuracy on masked entity subwords; null without dev data.</summary>
    public double? BestDevAccuracy => Epochs.FirstOrDefault(e => e.Epoch == BestEpoch)?.DevAccuracy;

    /// <summary>"fine-tuned 20 epochs; best epoch 7, dev loss 1.2345; model in ...", as commands and stages report it.</summary>
    public string Describe()
    {
        var resumed = ResumedAfterEpoch > 0 ? $" (resumed after epoch {ResumedAfterEpoch})" : "";
        var loss = BestDevLoss is { } l ? string.Create(CultureInfo.InvariantCulture, $", dev loss {l:0.####}") : ", no dev data";
        return $"fine-tuned {Epochs.Count} epochs{resumed}; best epoch {BestEpoch}{loss}; model in {Folder}";
    }
}
