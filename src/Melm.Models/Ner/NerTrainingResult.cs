namespace Melm.Models.Ner;

/// <summary>What training did: every epoch's figures and the epoch whose weights the tagger now holds.</summary>
public sealed record NerTrainingResult(IReadOnlyList<NerEpoch> Epochs, int BestEpoch, double BestDevF1, int Steps);
