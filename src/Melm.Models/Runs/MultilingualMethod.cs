namespace Melm.Models.Runs;

/// <summary>What the final tagger of a multilingual cell is trained on (paper 3.1 and Table 2): the gold samples of every language together, plus...</summary>
public enum MultilingualMethod
{
    /// <summary>...nothing: the union of the gold samples. Its tagger is also the MELM methods' consistency filter.</summary>
    GoldOnly,

    /// <summary>...MELM rewrites of the gold union, fine-tuned with language markers, filtered.</summary>
    MelmGold,

    /// <summary>...code-mixed sentences: each entity replaced by a random same-type entity of another language.</summary>
    CodeMixRandom,

    /// <summary>...code-mixed sentences: each entity replaced by the most similar same-type entity of another language (encoder states).</summary>
    CodeMixEss,

    /// <summary>...code-mixed sentences and MELM rewrites of gold plus code-mixed sentences (MELM w/ code-mix, the paper's full method).</summary>
    Melm,
}

public static class MultilingualMethods
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<MultilingualMethod>().Select(Name)];

    public static string Name(MultilingualMethod method) => method switch
    {
        MultilingualMethod.GoldOnly => "gold-only",
        MultilingualMethod.MelmGold => "melm-gold",
        MultilingualMethod.CodeMixRandom => "code-mix-random",
        MultilingualMethod.CodeMixEss => "code-mix-ess",
        MultilingualMethod.Melm => "melm",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static MultilingualMethod? Parse(string text) =>
        Enum.GetValues<MultilingualMethod>().Select(m => (MultilingualMethod?)m).FirstOrDefault(m => string.Equals(Name(m!.Value), text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the method code-mixes, and how: null, or whether at random.</summary>
    public static bool? CodeMixesRandomly(MultilingualMethod method) => method switch
    {
        MultilingualMethod.CodeMixRandom => true,
        MultilingualMethod.CodeMixEss or MultilingualMethod.Melm => false,
        _ => null,
    };
}

/// <summary>The multilingual setting of a grid: N gold sentences of each language, all together.</summary>
public sealed record MultilingualGrid(IReadOnlyList<string> Languages, IReadOnlyList<int> Sizes, IReadOnlyList<MultilingualMethod> Methods)
{
    /// <summary>Records compare lists by reference; grids are the same when their contents are.</summary>
    public bool Equals(MultilingualGrid? other) =>
        other is not null && Languages.SequenceEqual(other.Languages) && Sizes.SequenceEqual(other.Sizes) && Methods.SequenceEqual(other.Methods);

    public override int GetHashCode() => HashCode.Combine(Languages.Count, Sizes.Count, Methods.Count);
}

/// <summary>One multilingual sample: N gold train and N dev sentences of every language, drawn with a seed.</summary>
public sealed record MultilingualCell(int N, int Seed)
{
    /// <summary>The language its results carry: they are the union's.</summary>
    public const string Language = "multi";

    public string Name => $"multi-n{N}-seed{Seed}";

    public override string ToString() => $"multilingual N={N} seed {Seed}";
}
