namespace Melm.Models.Text;

/// <summary>
/// What candidate filtering needs to know of a subword vocabulary: each id's piece text and whether
/// it is special (a control token such as &lt;s&gt;, &lt;pad&gt;, &lt;mask&gt;, &lt;unk&gt;, or an added
/// token such as a label or language marker). Word-start pieces begin with U+2581 (▁).
/// </summary>
public interface IPieceVocabulary
{
    int Count { get; }

    string Piece(int id);

    bool IsSpecial(int id);
}
