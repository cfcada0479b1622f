using Melm.Models.Data;

namespace Melm.Models.Ner;

/// <summary>Which tag may start, follow another, and end a sentence under a tag scheme: the CRF's constraint tables.</summary>
public sealed record TransitionRules(bool[,] Allowed, bool[] AllowedStart, bool[] AllowedEnd)
{
    /// <summary>
    /// IOB2: I-X only after B-X or I-X. BIOES: I-X and E-X only after B-X or I-X; after B-X or I-X only
    /// I-X or E-X; a sentence starts with O, B- or S- and ends with O, E- or S-. IOB1: anything
    /// (conlleval reads every IOB1 sequence, and the validator accepts them all).
    /// </summary>
    public static TransitionRules For(IReadOnlyList<string> labels, TagScheme scheme)
    {
        var tags = labels.Select(Tag.Parse).ToArray();
        var n = tags.Length;
        var allowed = new bool[n, n];
        var start = new bool[n];
        var end = new bool[n];
        for (var j = 0; j < n; j++)
        {
            start[j] = Follows(Tag.Outside, tags[j], scheme);
            end[j] = Follows(tags[j], Tag.Outside, scheme);
            for (var i = 0; i < n; i++)
                allowed[i, j] = Follows(tags[i], tags[j], scheme);
        }
        return new TransitionRules(allowed, start, end);
    }

    private static bool Follows(Tag previous, Tag next, TagScheme scheme)
    {
        var continues = previous.Prefix is 'B' or 'I' && previous.Type == next.Type;
        return scheme switch
        {
            TagScheme.Iob1 => true,
            TagScheme.Iob2 => next.Prefix != 'I' || continues,
            _ => previous.Prefix is 'B' or 'I' ? next.Prefix is 'I' or 'E' && continues : next.Prefix is not ('I' or 'E'),
        };
    }
}
