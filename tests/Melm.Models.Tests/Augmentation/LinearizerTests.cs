using Melm.Models.Augmentation;

namespace Melm.Models.Tests.Augmentation;

public class LinearizerTests
{
    private static string TypeOf(string tag) => tag[(tag.IndexOf('-', StringComparison.Ordinal) + 1)..];

    private static readonly string[] Words = ["Peter", "Blackburn", "visited", "EU", "offices"];
    private static readonly string[] Tags = ["B-PER", "I-PER", "O", "B-ORG", "O"];

    [Fact]
    public void MarksEveryEntityTokenOnBothSides()
    {
        var markers = new MarkerSet(Tags.Where(t => t != "O"), TypeOf, []);
        var tokens = new Linearizer(markers).Linearize(Words, Tags, "en");
        Assert.Equal(
            "<B-PER> Peter <B-PER> <I-PER> Blackburn <I-PER> visited <B-ORG> EU <B-ORG> offices",
            string.Join(' ', tokens.Select(t => t.Text)));
        // Removing the markers gives the sentence back, each word pointing at its source position.
        var words = tokens.Where(t => t.Kind == LinearTokenKind.Word).ToArray();
        Assert.Equal(Words, words.Select(t => t.Text));
        Assert.Equal(Enumerable.Range(0, Words.Length), words.Select(t => t.WordIndex));
        Assert.Equal([0, 1, 3], tokens.Where(t => t.IsEntity).Select(t => t.WordIndex));
    }

    [Fact]
    public void MultilingualRunsPutTheLanguageMarkerBeforeEachEntityToken()
    {
        var markers = new MarkerSet(["B-PER", "I-PER", "B-ORG"], TypeOf, ["en", "es"]);
        var tokens = new Linearizer(markers).Linearize(["Ana", "vive"], ["B-PER", "O"], "es");
        Assert.Equal("<es> <B-PER> Ana <B-PER> vive", string.Join(' ', tokens.Select(t => t.Text)));
        Assert.Equal(["<B-ORG>", "<B-PER>", "<I-PER>", "<en>", "<es>"], markers.AllMarkers);
        Assert.Equal(["Spanish"], markers.InitialisationWords("<es>"));
    }

    [Fact]
    public void ACodeMixedSentenceMarksEachEntityTokenWithItsOwnLanguageAndRoundTrips()
    {
        var markers = new MarkerSet(["B-PER", "B-LOC", "I-LOC"], TypeOf, ["en", "es"]);
        string[] words = ["Pedro", "flew", "to", "New", "York"];
        string[] tags = ["B-PER", "O", "O", "B-LOC", "I-LOC"];
        string?[] languages = ["es", "en", "en", "en", "en"];

        var tokens = new Linearizer(markers).Linearize(words, tags, languages);

        Assert.Equal(
            "<es> <B-PER> Pedro <B-PER> flew to <en> <B-LOC> New <B-LOC> <en> <I-LOC> York <I-LOC>",
            string.Join(' ', tokens.Select(t => t.Text)));
        // Without the markers the words come back in place, and the language marker two tokens
        // before each entity word names that word's own language.
        Assert.Equal(words, tokens.Where(t => t.Kind == LinearTokenKind.Word).Select(t => t.Text));
        for (var k = 0; k < tokens.Count; k++)
        {
            if (tokens[k].IsEntity)
                Assert.Equal($"<{languages[tokens[k].WordIndex]}>", tokens[k - 2].Text);
        }
        // One language for the whole sentence is the special case.
        Assert.Equal(
            new Linearizer(markers).Linearize(words, tags, "en").Select(t => t.Text),
            new Linearizer(markers).Linearize(words, tags, Enumerable.Repeat<string?>("en", 5).ToArray()).Select(t => t.Text));
    }

    [Fact]
    public void WithoutMarkersTheSentenceStaysPlain()
    {
        var markers = new MarkerSet(["B-PER", "I-PER", "B-ORG"], TypeOf, []);
        var tokens = new Linearizer(markers, withMarkers: false).Linearize(Words, Tags, (string?)null);
        Assert.Equal(Words, tokens.Select(t => t.Text));
        Assert.Equal(3, tokens.Count(t => t.IsEntity));
    }

    [Fact]
    public void InitialisationWordsFollowThePaperAndFallBackToTheTypeName()
    {
        var markers = new MarkerSet(["B-PER", "S-product_name"], TypeOf, [], new Dictionary<string, string> { ["LOC"] = "place" });
        Assert.Equal(["person"], markers.InitialisationWords("<B-PER>"));
        Assert.Equal(["product", "name"], markers.InitialisationWords("<S-product_name>"));
    }

    [Fact]
    public void ATagOutsideTheMarkerSetIsRefused()
    {
        var markers = new MarkerSet(["B-PER"], TypeOf, []);
        var e = Assert.Throws<ArgumentException>(() => new Linearizer(markers).Linearize(["x"], ["B-LOC"], (string?)null));
        Assert.Contains("B-LOC", e.Message, StringComparison.Ordinal);
    }
}
