namespace Melm.Models.Data;

/// <summary>How B-/I-/E-/S- prefixes mark entity boundaries.</summary>
public enum TagScheme
{
    /// <summary>An entity starts with I-; B- only starts an entity right after one of the same type (CoNLL-2003's originals).</summary>
    Iob1,

    /// <summary>Every entity starts with B-, continues with I- of the same type.</summary>
    Iob2,

    /// <summary>B- begin, I- inside, E- end of a multi-token entity; S- a single-token entity.</summary>
    Bioes,
}
