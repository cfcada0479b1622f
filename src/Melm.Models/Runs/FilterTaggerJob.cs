using Melm.Models.Ner;

namespace Melm.Models.Runs;

/// <summary>
/// The filter-tagger stage: trains the consistency filter's NER tagger (paper 2.4) on the run's gold
/// sentences from <paramref name="EncoderFolder"/>, choosing its epoch on <paramref name="DevFile"/>,
/// into the run's tagger folder (RunInputs.TaggerFolder); a tagger already saved there is reused.
/// </summary>
public sealed record FilterTaggerJob(string EncoderFolder, string DevFile, NerTrainingOptions Options);
