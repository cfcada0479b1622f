namespace Melm.Models.Data;

/// <summary>
/// A parsed NER tag: "O", or a prefix (B, I, E, S), a hyphen and a type. Types are any non-empty
/// name ("PER", "product_name", "B-x" after the first hyphen); this is the one place tags are parsed.
/// </summary>
public readonly record struct Tag(char Prefix, string Type)
{
    public const string OutsideText = "O";

    public static readonly Tag Outside = new('O', "");

    public bool IsOutside => Prefix == 'O';

    public static Tag Parse(string text) =>
        TryParse(text, out var tag, out var error) ? tag : throw new ArgumentException($"tag \"{text}\": {error}", nameof(text));

    /// <summary>Parses a tag; on failure <paramref name="error"/> says what is wrong in words a user can act on.</summary>
    public static bool TryParse(string text, out Tag tag, out string? error)
    {
        tag = Outside;
        error = null;
        if (text == OutsideText)
            return true;
        if (text.Length >= 3 && text[1] == '-' && text[0] is 'B' or 'I' or 'E' or 'S')
        {
            tag = new Tag(text[0], text[2..]);
            return true;
        }
        error = text.Length == 0 ? "empty tag"
            : text.Length == 2 && text[1] == '-' && text[0] is 'B' or 'I' or 'E' or 'S' ? $"malformed tag \"{text}\": the type after the hyphen is missing"
            : $"malformed tag \"{text}\": expected O or B-, I-, E-, S- followed by a type (e.g. B-PER)";
        return false;
    }

    public override string ToString() => IsOutside ? OutsideText : $"{Prefix}-{Type}";
}
