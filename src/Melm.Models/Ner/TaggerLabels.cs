using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Ner;

/// <summary>
/// The tags a tagger predicts, in output order ("O" first, then ordinal order), and the scheme they
/// follow, which fixes the CRF's forbidden transitions.
/// </summary>
public sealed record TaggerLabels
{
    public TaggerLabels(IReadOnlyList<string> names, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0 || names[0] != Tag.OutsideText)
            throw new ArgumentException("The label list starts with \"O\".", nameof(names));
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException("The label list has a label twice.", nameof(names));
        foreach (var name in names)
            Tag.Parse(name);
        Names = names.ToArray();
        Scheme = scheme;
        _index = Names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, int> _index;

    public IReadOnlyList<string> Names { get; }

    public TagScheme Scheme { get; }

    public int Count => Names.Count;

    /// <summary>
    /// The labels of a training corpus, whose scheme is detected and checked (InputException listing
    /// every tag that breaks it). A corpus without a single entity cannot teach a tagger anything and is refused.
    /// With <paramref name="dev"/>, a type with dev tags the training corpus lacks gets every tag of the
    /// scheme (DevTagCoverage.Tags); without it, such dev tags are refused when training starts.
    /// </summary>
    public static TaggerLabels FromTraining(Corpus train, Corpus? dev = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Sentences.Count == 0)
            throw new InputException(train.Source, null, "the training file holds no sentences");
        var scheme = TagSchemes.EnsureValid(train);
        var entityTags = DevTagCoverage.Tags(train.Sentences, dev?.Sentences);
        if (!train.Sentences.Any(s => s.Tags.Any(t => t != Tag.OutsideText)))
            throw new InputException(train.Source, null, "the training file has no entities (every tag is O): a tagger cannot learn from it");
        return new TaggerLabels([Tag.OutsideText, .. entityTags], scheme);
    }

    public bool Contains(string tag) => _index.ContainsKey(tag);

    /// <summary>The index of a known label.</summary>
    public int IndexOf(string tag) =>
        _index.TryGetValue(tag, out var i) ? i : throw new ArgumentException($"\"{tag}\" is not one of the tagger's labels.", nameof(tag));

    /// <summary>
    /// Every tag of <paramref name="corpus"/> the tagger never learnt, with its file and line: a model
    /// cannot predict them, so scoring against them would hide the mismatch in a low F1.
    /// </summary>
    public IReadOnlyList<InputProblem> Unknown(Corpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var problems = new List<InputProblem>();
        foreach (var sentence in corpus.Sentences)
        {
            for (var i = 0; i < sentence.Tags.Count; i++)
            {
                if (!Contains(sentence.Tags[i]))
                {
                    problems.Add(new InputProblem(corpus.Source, sentence.LineOf(i),
                        $"tag \"{sentence.Tags[i]}\" was not in the tagger's training data (it knows {string.Join(", ", Names)})"));
                }
            }
        }
        return problems;
    }
}
