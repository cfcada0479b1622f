using System.Globalization;

namespace Melm.Models.Augmentation;

/// <summary>The writing systems candidate filtering can tell apart (by Unicode block).</summary>
public enum Script
{
    /// <summary>Digits, punctuation, symbols, marks: compatible with every script.</summary>
    Common,
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Bengali,
    Tamil,
    Thai,
    Georgian,
    Hangul,
    Kana,
    Han,
    Other,
}

/// <summary>
/// Classifies text by script. .NET has no Unicode Script property, so this uses the block ranges of
/// the scripts NER corpora use; anything else is <see cref="Script.Other"/>.
/// </summary>
public static class UnicodeScript
{
    private static readonly (int First, int Last, Script Script)[] Ranges =
    [
        (0x0041, 0x005A, Script.Latin), (0x0061, 0x007A, Script.Latin), (0x00C0, 0x024F, Script.Latin),
        (0x1E00, 0x1EFF, Script.Latin), (0xFF21, 0xFF3A, Script.Latin), (0xFF41, 0xFF5A, Script.Latin),
        (0x0370, 0x03FF, Script.Greek), (0x1F00, 0x1FFF, Script.Greek),
        (0x0400, 0x052F, Script.Cyrillic),
        (0x0530, 0x058F, Script.Armenian),
        (0x0590, 0x05FF, Script.Hebrew),
        (0x0600, 0x06FF, Script.Arabic), (0x0750, 0x077F, Script.Arabic),
        (0x0900, 0x097F, Script.Devanagari),
        (0x0980, 0x09FF, Script.Bengali),
        (0x0B80, 0x0BFF, Script.Tamil),
        (0x0E00, 0x0E7F, Script.Thai),
        (0x10A0, 0x10FF, Script.Georgian),
        (0x1100, 0x11FF, Script.Hangul), (0xAC00, 0xD7AF, Script.Hangul), (0x3130, 0x318F, Script.Hangul),
        (0x3040, 0x30FF, Script.Kana), (0xFF66, 0xFF9F, Script.Kana),
        (0x4E00, 0x9FFF, Script.Han), (0x3400, 0x4DBF, Script.Han), (0x20000, 0x2A6DF, Script.Han),
    ];

    /// <summary>The script of one code point.</summary>
    public static Script Of(int codePoint)
    {
        foreach (var (first, last, script) in Ranges)
        {
            if (codePoint >= first && codePoint <= last)
                return script;
        }
        return codePoint < 0x80 || IsCommonCategory(codePoint) ? Script.Common : Script.Other;
    }

    /// <summary>The scripts of a text's letters (Common is left out).</summary>
    public static IReadOnlySet<Script> ScriptsOf(string text)
    {
        var scripts = new HashSet<Script>();
        foreach (var rune in text.EnumerateRunes())
        {
            var script = Of(rune.Value);
            if (script != Script.Common)
                scripts.Add(script);
        }
        return scripts;
    }

    private static bool IsCommonCategory(int codePoint)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is not (UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter);
    }
}
