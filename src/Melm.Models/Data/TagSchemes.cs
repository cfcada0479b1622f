using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>Detects, validates and converts tag schemes.</summary>
public static class TagSchemes
{
    /// <summary>
    /// BIOES when any E- or S- occurs; otherwise IOB1 when some entity starts with I- (after O, after
    /// another type or at the sentence start); otherwise IOB2 (also for sequences with no entities).
    /// Malformed tags throw ArgumentException.
    /// </summary>
    public static TagScheme Detect(IEnumerable<IReadOnlyList<string>> tagSequences)
    {
        var startsWithI = false;
        foreach (var tags in tagSequences)
        {
            var previous = Tag.Outside;
            foreach (var text in tags)
            {
                var tag = Tag.Parse(text);
                if (tag.Prefix is 'E' or 'S')
                    return TagScheme.Bioes;
                if (tag.Prefix == 'I' && (previous.IsOutside || previous.Type != tag.Type))
                    startsWithI = true;
                previous = tag;
            }
        }
        return startsWithI ? TagScheme.Iob1 : TagScheme.Iob2;
    }

    /// <summary>Problems of one sentence's tags under <paramref name="scheme"/>: the token index each is
    /// about and what is wrong. IOB1 allows any transition (conlleval reads them all); IOB2 and BIOES are strict.</summary>
    public static IReadOnlyList<(int Index, string Message)> Check(IReadOnlyList<string> tags, TagScheme scheme)
    {
        var problems = new List<(int, string)>();
        var previous = Tag.Outside;
        var previousText = "the sentence start";
        for (var i = 0; i <= tags.Count; i++)
        {
            Tag tag;
            string text;
            if (i < tags.Count)
            {
                text = tags[i];
                if (!Tag.TryParse(text, out tag, out var error))
                {
                    problems.Add((i, error!));
                    previous = Tag.Outside;
                    previousText = text;
                    continue;
                }
            }
            else
            {
                tag = Tag.Outside;
                text = "the sentence end";
            }
            var continuesPrevious = previous.Prefix is 'B' or 'I' && previous.Type == tag.Type;
            switch (scheme)
            {
                case TagScheme.Iob1 or TagScheme.Iob2 when tag.Prefix is 'E' or 'S':
                    problems.Add((i, $"tag \"{text}\": {tag.Prefix}- is not used in {Name(scheme)} (only in BIOES)"));
                    break;
                case TagScheme.Iob2 when tag.Prefix == 'I' && !continuesPrevious:
                    problems.Add((i, $"illegal transition {previousText} -> {text} in IOB2: an entity starts with B-{tag.Type}"));
                    break;
                case TagScheme.Bioes when tag.Prefix is 'I' or 'E' && !continuesPrevious:
                    problems.Add((i, $"illegal transition {previousText} -> {text} in BIOES: an entity starts with B-{tag.Type} or S-{tag.Type}"));
                    break;
                case TagScheme.Bioes when previous.Prefix is 'B' or 'I' && !(tag.Prefix is 'I' or 'E' && continuesPrevious):
                    problems.Add((i - 1, $"illegal transition {previousText} -> {text} in BIOES: an entity of several tokens ends with E-{previous.Type}, a single token is S-{previous.Type}"));
                    break;
            }
            previous = tag;
            previousText = text;
        }
        return problems;
    }

    /// <summary>Every problem of a corpus under <paramref name="scheme"/>, with its file and line.</summary>
    public static IReadOnlyList<InputProblem> Validate(Corpus corpus, TagScheme scheme)
    {
        var problems = new List<InputProblem>();
        foreach (var sentence in corpus.Sentences)
        {
            foreach (var (index, message) in Check(sentence.Tags, scheme))
                problems.Add(new InputProblem(corpus.Source, sentence.LineOf(index), message + LineSuffix(sentence, index)));
        }
        return problems;
    }

    /// <summary>The corpus's scheme (<paramref name="expected"/>, or detected when null); throws
    /// InputException listing every tag that breaks it.</summary>
    public static TagScheme EnsureValid(Corpus corpus, TagScheme? expected = null)
    {
        var scheme = expected ?? Detect(corpus.Sentences.Select(s => s.Tags));
        var problems = Validate(corpus, scheme);
        if (problems.Count > 0)
            throw new InputException(problems);
        return scheme;
    }

    /// <summary>The same entities (read as conlleval does, from any scheme) written in <paramref name="to"/>.</summary>
    public static IReadOnlyList<string> Convert(IReadOnlyList<string> tags, TagScheme to) =>
        EntitySpans.Write(EntitySpans.Read(tags), tags.Count, to);

    public static Sentence Convert(Sentence sentence, TagScheme to) => sentence with { Tags = Convert(sentence.Tags, to) };

    public static Corpus Convert(Corpus corpus, TagScheme to) =>
        corpus with { Sentences = corpus.Sentences.Select(s => Convert(s, to)).ToList() };

    /// <summary>Every tag of <paramref name="type"/> in <paramref name="scheme"/>: B- and I- (IOB1, IOB2), also E- and S- (BIOES).</summary>
    public static IReadOnlyList<string> TagsOf(string type, TagScheme scheme) =>
        (scheme == TagScheme.Bioes ? "BIES" : "BI").Select(prefix => new Tag(prefix, type).ToString()).ToArray();

    public static string Name(TagScheme scheme) => scheme switch
    {
        TagScheme.Iob1 => "IOB1",
        TagScheme.Iob2 => "IOB2",
        TagScheme.Bioes => "BIOES",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
    };

    /// <summary>Parses "IOB1", "IOB2", "BIOES" (also "IOBES"), case-insensitively.</summary>
    public static bool TryParse(string text, out TagScheme scheme)
    {
        switch (text.ToUpperInvariant())
        {
            case "IOB1": scheme = TagScheme.Iob1; return true;
            case "IOB2" or "BIO": scheme = TagScheme.Iob2; return true;
            case "BIOES" or "IOBES": scheme = TagScheme.Bioes; return true;
            default: scheme = TagScheme.Iob2; return false;
        }
    }

    // Sentences built in memory have no lines: name the sentence instead.
    private static string LineSuffix(Sentence sentence, int index) =>
        sentence.LineOf(index) is null ? $" (sentence {sentence.Id}, token {index + 1})" : "";
}
