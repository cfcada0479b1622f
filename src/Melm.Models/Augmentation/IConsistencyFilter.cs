namespace Melm.Models.Augmentation;

/// <summary>
/// The tagger behind the consistency filter (paper 2.4): an NER model trained on the gold data
/// that tags a batch of sentences, given as their tokens, with one tag per token.
/// </summary>
public interface IConsistencyFilter
{
    IReadOnlyList<IReadOnlyList<string>> Predict(IReadOnlyList<IReadOnlyList<string>> sentences);
}
