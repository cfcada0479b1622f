namespace Melm.Models.Pretraining;

/// <summary>What pretraining chooses to predict.</summary>
public enum MaskingScheme
{
    /// <summary>Single subword tokens, as BERT and RoBERTa: a word's pieces are chosen independently.</summary>
    Token,

    /// <summary>Whole words: every piece of a chosen word is predicted (no guessing a name's tail from its head).</summary>
    WholeWord,

    /// <summary>
    /// Whole words, with a share of the budget spent first on salient spans: runs of capitalised
    /// words (not the first word of a line), which is where names are. It teaches the model to
    /// predict a name from its context, what MELM asks of it.
    /// </summary>
    Salient,
}

/// <summary>Command-line names of <see cref="MaskingScheme"/>.</summary>
public static class MaskingSchemes
{
    public static string Name(MaskingScheme scheme) => scheme switch
    {
        MaskingScheme.Token => "token",
        MaskingScheme.WholeWord => "whole-word",
        MaskingScheme.Salient => "salient",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
    };

    public static MaskingScheme? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "token" => MaskingScheme.Token,
        "whole-word" => MaskingScheme.WholeWord,
        "salient" => MaskingScheme.Salient,
        _ => null,
    };
}
