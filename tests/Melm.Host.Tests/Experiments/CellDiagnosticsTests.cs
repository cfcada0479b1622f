using Melm.Models.Data;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Experiments;

public sealed class CellDiagnosticsTests
{
    private static readonly Sentence[] Gold =
    [
        new("g:0", "en", ["Ann", "visited", "Rome"], ["B-PER", "O", "B-LOC"]),
    ];

    [Fact]
    public void FigureFourCountsDistinctNewEntitiesAndThoseTheOracleTagsAsIntended()
    {
        Sentence[] kept =
        [
            // "Rome" is the sample's own mention; "Bea" and "Paris" are new.
            new("g:0/melm/r1", "en", ["Bea", "visited", "Rome"], ["B-PER", "O", "B-LOC"]) { Provenance = new("g:0", 1, "melm") },
            new("g:0/melm/r2", "en", ["Ann", "visited", "Paris"], ["B-PER", "O", "B-LOC"]) { Provenance = new("g:0", 2, "melm") },
            // "Bea" again, now mistagged: still one distinct entity, valid from the first sentence; "Oslo" is new and mistagged.
            new("g:0/melm/r3", "en", ["Bea", "visited", "Oslo"], ["B-PER", "O", "B-LOC"]) { Provenance = new("g:0", 3, "melm") },
        ];
        string[][] oracle =
        [
            ["B-PER", "O", "B-LOC"],
            ["B-PER", "O", "B-ORG"],
            ["O", "O", "B-ORG"],
        ];

        var (fresh, valid) = CellDiagnostics.ValidEntities(kept, oracle, Gold);

        Assert.Equal((3, 1), (fresh, valid));
    }

    [Fact]
    public void NewEntityWordsAreCheckedAgainstTheTrainTextAndExamplesShowBeforeAndAfter()
    {
        Sentence[] kept = [new("g:0/melm/r1", "en", ["Bea", "visited", "Rxq"], ["B-PER", "O", "B-LOC"]) { Provenance = new("g:0", 1, "melm") }];

        var diagnostics = CellDiagnostics.Of(3, kept, Gold, new HashSet<string> { "Bea", "visited" }, 0.25);

        Assert.Equal((3, 1, 2, 1), (diagnostics.RewritesMade, diagnostics.Kept, diagnostics.NewEntityWords, diagnostics.NewEntityWordsInTrainText));
        Assert.Equal(0.5, diagnostics.InTrainTextShare);
        Assert.Equal(new RewriteExample("g:0", "Ann/PER, Rome/LOC", "Bea/PER, Rxq/LOC"), Assert.Single(diagnostics.Examples));
    }
}
