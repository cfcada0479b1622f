namespace Melm.Models.Runs;

/// <summary>One low-resource sample of the grid: N gold train and N dev sentences of a language, drawn with a seed.</summary>
public sealed record ExperimentCell(string Language, int N, int Seed)
{
    /// <summary>The cell's folder name under the experiment folder.</summary>
    public string Name => $"{Language}-n{N}-seed{Seed}";

    public override string ToString() => $"{Language} N={N} seed {Seed}";
}
