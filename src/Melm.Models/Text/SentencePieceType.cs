namespace Melm.Models.Text;

/// <summary>The kind of a SentencePiece piece, with the numbers of sentencepiece_model.proto.</summary>
public enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
