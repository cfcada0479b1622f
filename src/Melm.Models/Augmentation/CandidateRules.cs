using Melm.Models.Text;
namespace Melm.Models.Augmentation;

/// <summary>
/// Which vocabulary entries may replace a masked entity subword, computed once per vocabulary.
/// Never a special token or marker; a word-start position takes only word-start pieces
/// ("▁" + text without another ▁) and a continuation position only continuation pieces (no ▁), so
/// word boundaries, and with them the labels, cannot move. The authors' code allowed all of these
/// (MELM.md, "traps"), which produced `pad>`, empty words and shifted labels.
/// </summary>
public sealed class CandidateRules
{
    private const char WordStartMark = '\u2581';
    private readonly bool[] _wordStart;
    private readonly bool[] _continuation;
    private readonly string[] _surface;
    private readonly Script[] _script;

    public CandidateRules(IPieceVocabulary vocabulary)
    {
        var n = vocabulary.Count;
        _wordStart = new bool[n];
        _continuation = new bool[n];
        _surface = new string[n];
        _script = new Script[n];
        for (var id = 0; id < n; id++)
        {
            var piece = vocabulary.Piece(id);
            var startsWord = piece.Length > 0 && piece[0] == WordStartMark;
            var surface = startsWord ? piece[1..] : piece;
            _surface[id] = surface;
            var scripts = UnicodeScript.ScriptsOf(surface);
            _script[id] = scripts.Count switch { 0 => Script.Common, 1 => scripts.First(), _ => Script.Other };
            if (vocabulary.IsSpecial(id) || surface.Contains(WordStartMark) || surface.Any(char.IsWhiteSpace) || surface.Any(char.IsControl))
                continue;
            if (startsWord)
                _wordStart[id] = true;
            else if (surface.Length > 0)
                _continuation[id] = true;
        }
    }

    public int VocabularySize => _surface.Length;

    /// <summary>The piece's text without its word-start mark.</summary>
    public string Surface(int id) => _surface[id];

    /// <summary>
    /// Whether <paramref name="id"/> may stand at a masked position. <paramref name="wordStart"/>: the
    /// position begins a word; <paramref name="onlySubwordOfWord"/>: the word has no other subword, so
    /// a bare "▁" would leave it empty.
    /// </summary>
    public bool IsValid(int id, bool wordStart, bool onlySubwordOfWord)
    {
        if ((uint)id >= (uint)_surface.Length)
            return false;
        if (!wordStart)
            return _continuation[id];
        return _wordStart[id] && (!onlySubwordOfWord || _surface[id].Length > 0);
    }

    /// <summary>Whether the piece fits a word written in <paramref name="scripts"/> (Common fits anything).</summary>
    public bool MatchesScript(int id, IReadOnlySet<Script> scripts) =>
        _script[id] == Script.Common || scripts.Count == 0 || scripts.Contains(_script[id]);
}
