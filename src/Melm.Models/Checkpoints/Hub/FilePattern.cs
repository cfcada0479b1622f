using System.Text;
using System.Text.RegularExpressions;

namespace Melm.Models.Checkpoints.Hub;

/// <summary>
/// A glob over repository paths, close to `huggingface-cli download --include`: `*` matches any
/// run of characters (slashes included), `?` one character, everything else (brackets too) itself.
/// </summary>
public sealed class FilePattern
{
    private readonly Regex regex;

    public FilePattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        var text = new StringBuilder("^");
        foreach (var c in pattern)
        {
            text.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        regex = new Regex(text.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    public bool Matches(string path) => regex.IsMatch(path);

    public override string ToString() => Pattern;
}
