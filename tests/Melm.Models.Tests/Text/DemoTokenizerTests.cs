using Melm.Models.Augmentation;
using Melm.Models.Text;

namespace Melm.Models.Tests.Text;

public class DemoTokenizerTests
{
    [Fact]
    public void TheDemoTokenizerCoversEveryWordOfTheDemoData()
    {
        var tokenizer = XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer"));
        var words = Directory.GetFiles(SharedFiles.Repository("samples/demo"), "*.txt", SearchOption.AllDirectories)
            .SelectMany(File.ReadLines)
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' ')[0])
            .ToArray();
        Assert.True(words.Length > 5000);
        var unknown = words.Where(w => tokenizer.EncodeWord(w).Ids.Contains(XlmrTokenizer.Unk)).Distinct().ToArray();
        Assert.Empty(unknown);
    }

    [Fact]
    public void CandidateRulesNeverAdmitSpecialOrAddedTokens()
    {
        var tokenizer = XlmrTokenizer.Load(SharedFiles.Repository("samples/demo/tokenizer"));
        var markers = tokenizer.AddTokens(["<B-PER>", "<I-PER>", "<es>"]);
        var rules = new CandidateRules(tokenizer);
        var excluded = new[] { XlmrTokenizer.Bos, XlmrTokenizer.Pad, XlmrTokenizer.Eos, XlmrTokenizer.Unk, tokenizer.Mask }.Concat(markers);
        foreach (var id in excluded)
        {
            Assert.False(rules.IsValid(id, wordStart: true, onlySubwordOfWord: false));
            Assert.False(rules.IsValid(id, wordStart: false, onlySubwordOfWord: false));
        }
        var ordinary = Enumerable.Range(0, tokenizer.VocabSize).Count(id => rules.IsValid(id, true, false) || rules.IsValid(id, false, false));
        Assert.InRange(ordinary, 1500, tokenizer.VocabSize - 8);
    }
}
