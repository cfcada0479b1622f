using System.Text.Json.Serialization;

namespace Melm.Models.Runs;

/// <summary>
/// What a run computes on one worker before its items: each stage writes the folder the run's
/// inputs name (the fine-tuned model, the filter's tagger), so the items read them like folders
/// given ready-made; code-mixing writes the run's corpus, and so fixes its sentences. Null parts are
/// not stages of the run. A job (a run without sentences) has an
/// experiment cell as its only stage.
/// </summary>
public sealed record RunPreparation(FilterTaggerJob? FilterTagger = null, FineTuneJob? FineTune = null, ExperimentCellJob? Cell = null, CodeMixJob? CodeMix = null)
{
    /// <summary>
    /// Where the training stages write their TensorBoard curves, a subfolder per stage (filter-tagger,
    /// fine-tune); null: the run's output folder's tensorboard/. Left out of JSON when null, so a run
    /// with the default names and journals as before the option existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TensorBoardFolder { get; init; }

    /// <summary>True: the training stages write no curves (--no-tensorboard). Null as false, and left out of JSON.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? NoTensorBoard { get; init; }

    /// <summary>The stages in the order they run.</summary>
    public IReadOnlyList<string> Stages =>
        [.. new[]
        {
            CodeMix is null ? null : StageNames.CodeMix,
            FilterTagger is null ? null : StageNames.FilterTagger,
            FineTune is null ? null : StageNames.FineTune,
            Cell is null ? null : StageNames.ExperimentCell,
        }.OfType<string>()];
}
