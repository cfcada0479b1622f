namespace Melm.Models.Ner;

/// <summary>
/// Tags pre-split sentences: the batch prediction that MELM's consistency filter and the filter
/// actors call, so they need not know which model or device does the work.
/// </summary>
public interface ISequenceTagger
{
    /// <summary>One tag per token of each sentence, in the order given; an empty sentence gets no tags.</summary>
    IReadOnlyList<IReadOnlyList<string>> Predict(IReadOnlyList<IReadOnlyList<string>> sentences);
}
