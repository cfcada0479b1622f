namespace Melm.Models.Data;

/// <summary>
/// One labelled sentence: tokens and their tags, one tag per token. Lists compare by reference
/// (record equality), so compare contents with SequenceEqual.
/// </summary>
/// <param name="Id">Stable id: "&lt;prefix&gt;:&lt;index&gt;" for CoNLL files (the prefix defaults to the file
/// stem), the "id" field for JSON Lines. Augmented sentences derive theirs from their source.</param>
/// <param name="Lang">Language code, or null when unknown.</param>
/// <param name="Tokens">The words, none empty.</param>
/// <param name="Tags">One tag per token: "O" or a prefix B, I, E or S, a hyphen and a type of any name.</param>
public sealed record Sentence(string Id, string? Lang, IReadOnlyList<string> Tokens, IReadOnlyList<string> Tags)
{
    /// <summary>Per token, the columns between token and tag (CoNLL-2003's POS and chunk columns); empty when the source had none.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ExtraColumns { get; init; } = [];

    /// <summary>Per token, its 1-based line in the source file, so later problems can name the line; empty when not read from a file.</summary>
    public IReadOnlyList<int> Lines { get; init; } = [];

    /// <summary>
    /// Per token, its language, for a code-mixed sentence whose substituted mentions come from other
    /// languages than <see cref="Lang"/>; empty when every token is in <see cref="Lang"/>.
    /// </summary>
    public IReadOnlyList<string?> TokenLanguages { get; init; } = [];

    /// <summary>The language of token <paramref name="index"/>: its own in a code-mixed sentence, else the sentence's.</summary>
    public string? LanguageOf(int index) => TokenLanguages.Count > 0 ? TokenLanguages[index] : Lang;

    /// <summary>Where an augmented sentence came from; null for gold sentences.</summary>
    public Provenance? Provenance { get; init; }

    /// <summary>How the sentence was laid out in its CoNLL file, so it can be written back byte for byte; null otherwise.</summary>
    public ConllLayout? Layout { get; init; }

    /// <summary>The 1-based source line of token <paramref name="index"/>, or null when unknown.</summary>
    public int? LineOf(int index) => index >= 0 && index < Lines.Count ? Lines[index] : null;

    /// <summary>The first source line of the sentence, or null when unknown.</summary>
    public int? FirstLine => Lines.Count > 0 ? Lines[0] : null;

    /// <summary>The entities under conlleval's reading of the tags.</summary>
    public IReadOnlyList<EntitySpan> Entities() => EntitySpans.Read(Tags);
}
