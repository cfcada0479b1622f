namespace Melm.Models.Diagnostics;

/// <summary>One problem found in a user's input: where it is and what is wrong.</summary>
/// <param name="Source">The file (or other source) the problem is in.</param>
/// <param name="Line">1-based line number, or null when the problem is not tied to a line.</param>
/// <param name="Message">What is wrong, in words a user can act on.</param>
public sealed record InputProblem(string Source, int? Line, string Message)
{
    public override string ToString() => Line is { } line ? $"{Source}:{line}: {Message}" : $"{Source}: {Message}";
}
