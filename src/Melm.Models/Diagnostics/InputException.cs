namespace Melm.Models.Diagnostics;

/// <summary>
/// Bad user input (a file, a model folder, an option). The command line prints the problems, one
/// per line, and exits non-zero; it never shows a stack trace for these.
/// </summary>
public sealed class InputException : Exception
{
    /// <summary>How many problems a message lists before it only counts the rest.</summary>
    public const int MaxListed = 20;

    public InputException(IReadOnlyList<InputProblem> problems)
        : base(Describe(problems))
    {
        if (problems.Count == 0)
            throw new ArgumentException("An InputException needs at least one problem.", nameof(problems));
        Problems = problems;
    }

    public InputException(string source, int? line, string message)
        : this([new InputProblem(source, line, message)])
    {
    }

    public IReadOnlyList<InputProblem> Problems { get; }

    private static string Describe(IReadOnlyList<InputProblem> problems)
    {
        var lines = problems.Take(MaxListed).Select(p => p.ToString()).ToList();
        if (problems.Count > MaxListed)
            lines.Add($"... and {problems.Count - MaxListed} more problems");
        return string.Join(Environment.NewLine, lines);
    }
}
