using Melm.Models.Text;

namespace Melm.Models.Tests.Augmentation;

/// <summary>A vocabulary from a plain list of pieces; ids listed in <c>special</c> are control or added tokens.</summary>
internal sealed class ListVocabulary(IReadOnlyList<string> pieces, IEnumerable<int> special) : IPieceVocabulary
{
    private readonly HashSet<int> _special = [.. special];

    public int Count => pieces.Count;

    public string Piece(int id) => pieces[id];

    public bool IsSpecial(int id) => _special.Contains(id);
}
