namespace Melm.Models.Data;

/// <summary>How to read a CoNLL file beyond its columns.</summary>
public sealed record ConllReadOptions
{
    /// <summary>Sentence ids are "&lt;IdPrefix&gt;:&lt;index&gt;"; null uses the file name without extension.
    /// Set it when sentences of several files (en/train.txt, de/train.txt) meet in one run.</summary>
    public string? IdPrefix { get; init; }

    /// <summary>Language of every sentence in the file; excludes <see cref="LanguageColumn"/>.</summary>
    public string? Language { get; init; }

    /// <summary>0-based column (neither the first nor the last) that holds each token's language;
    /// it must be the same within a sentence. The column stays in <see cref="Sentence.ExtraColumns"/>.</summary>
    public int? LanguageColumn { get; init; }

    /// <summary>Input to tag: when the first token line holds one column, the file is tokens alone and every
    /// tag reads as O (a placeholder the tagger replaces); every token line must then hold one column.</summary>
    public bool AllowUntagged { get; init; }
}
