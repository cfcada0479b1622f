using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>
/// The one check that a corpus's sentence ids are unique: every random draw and every output is keyed
/// by (run seed, sentence id, round), so two sentences with one id would share draws and overwrite
/// each other's results.
/// </summary>
public static class SentenceIds
{
    public static void CheckUnique(IReadOnlyList<Sentence> sentences, string source)
    {
        var problems = sentences.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => new InputProblem(source, g.Skip(1).First().FirstLine, $"sentence id {g.Key} occurs {g.Count()} times: random draws and outputs are keyed by id"))
            .ToList();
        if (problems.Count > 0)
            throw new InputException(problems);
    }
}
