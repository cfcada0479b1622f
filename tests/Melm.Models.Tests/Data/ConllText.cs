using System.Text;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Models.Tests.Data;

/// <summary>Reads CoNLL text held in a test, as if it were a file of the given name.</summary>
internal static class ConllText
{
    public static Corpus Read(string text, string source = "t.txt", ConllReadOptions? options = null) =>
        ConllReader.Parse(Encoding.UTF8.GetBytes(text), source, options);

    public static InputException Fails(string text, string source = "bad.txt", ConllReadOptions? options = null) =>
        Assert.Throws<InputException>(() => Read(text, source, options));
}
