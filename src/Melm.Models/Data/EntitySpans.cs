namespace Melm.Models.Data;

/// <summary>Reads entities out of tag sequences and writes them back in any scheme.</summary>
public static class EntitySpans
{
    /// <summary>
    /// conlleval's reading, for any mix of IOB1, IOB2 and BIOES: an entity starts at B- or S-, at an
    /// I- or E- after O, after the end of an entity (E-, S-) or after another type; it ends before
    /// O, B-, S-, a type change, and after E- or S-. Malformed tags throw ArgumentException.
    /// </summary>
    public static IReadOnlyList<EntitySpan> Read(IReadOnlyList<string> tags)
    {
        var spans = new List<EntitySpan>();
        var previous = Tag.Outside;
        var start = -1;
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = Tag.Parse(tags[i]);
            if (start >= 0 && EndsBefore(previous, tag))
            {
                spans.Add(new EntitySpan(previous.Type, start, i));
                start = -1;
            }
            if (start < 0 && !tag.IsOutside)
                start = i;
            previous = tag;
        }
        if (start >= 0)
            spans.Add(new EntitySpan(previous.Type, start, tags.Count));
        return spans;
    }

    /// <summary>
    /// Only well-formed entities, as seqeval's strict mode: IOB2 "B-X (I-X)*"; BIOES "S-X" or
    /// "B-X (I-X)* E-X". Tags that do not form one (an I-X after O, a B-X never closed by E-X) belong to no entity.
    /// </summary>
    public static IReadOnlyList<EntitySpan> ReadStrict(IReadOnlyList<string> tags, TagScheme scheme)
    {
        if (scheme == TagScheme.Iob1)
            throw new ArgumentException("strict reading needs IOB2 or BIOES: IOB1 entities may start with I-", nameof(scheme));
        var spans = new List<EntitySpan>();
        var start = -1;
        string? type = null;
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = Tag.Parse(tags[i]);
            var continues = start >= 0 && tag.Type == type && (tag.Prefix == 'I' || (scheme == TagScheme.Bioes && tag.Prefix == 'E'));
            if (continues)
            {
                if (tag.Prefix == 'E')
                {
                    spans.Add(new EntitySpan(tag.Type, start, i + 1));
                    start = -1;
                }
                continue;
            }
            if (start >= 0 && scheme == TagScheme.Iob2)
                spans.Add(new EntitySpan(type!, start, i));
            start = -1;
            if (tag.Prefix == 'B' || (tag.Prefix == 'S' && scheme == TagScheme.Bioes))
            {
                if (tag.Prefix == 'S')
                {
                    spans.Add(new EntitySpan(tag.Type, i, i + 1));
                    continue;
                }
                start = i;
                type = tag.Type;
            }
        }
        if (start >= 0 && scheme == TagScheme.Iob2)
            spans.Add(new EntitySpan(type!, start, tags.Count));
        return spans;
    }

    /// <summary>Tags for <paramref name="length"/> tokens holding these non-overlapping spans, in <paramref name="scheme"/>.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<EntitySpan> spans, int length, TagScheme scheme)
    {
        var tags = Enumerable.Repeat(Tag.OutsideText, length).ToArray();
        var ordered = spans.OrderBy(s => s.Start).ToList();
        for (var k = 0; k < ordered.Count; k++)
        {
            var span = ordered[k];
            if (span.Start < 0 || span.End > length || span.Length <= 0)
                throw new ArgumentException($"span {span} does not fit {length} tokens", nameof(spans));
            if (k > 0 && span.Start < ordered[k - 1].End)
                throw new ArgumentException($"spans {ordered[k - 1]} and {span} overlap", nameof(spans));
            var afterSameType = k > 0 && ordered[k - 1].End == span.Start && ordered[k - 1].Type == span.Type;
            for (var i = span.Start; i < span.End; i++)
                tags[i] = "I-" + span.Type;
            switch (scheme)
            {
                case TagScheme.Iob1:
                    if (afterSameType)
                        tags[span.Start] = "B-" + span.Type;
                    break;
                case TagScheme.Iob2:
                    tags[span.Start] = "B-" + span.Type;
                    break;
                case TagScheme.Bioes:
                    if (span.Length == 1)
                    {
                        tags[span.Start] = "S-" + span.Type;
                    }
                    else
                    {
                        tags[span.Start] = "B-" + span.Type;
                        tags[span.End - 1] = "E-" + span.Type;
                    }
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null);
            }
        }
        return tags;
    }

    private static bool EndsBefore(Tag previous, Tag tag) =>
        previous.Prefix is 'E' or 'S'
        || tag.Prefix is 'O' or 'B' or 'S'
        || previous.Type != tag.Type;
}
