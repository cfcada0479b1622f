namespace Melm.Models.Ner;

/// <summary>One training epoch: mean training loss (negative log-likelihood per sentence) and dev entity F1 (x100).</summary>
public sealed record NerEpoch(int Epoch, double TrainLoss, double DevF1);
