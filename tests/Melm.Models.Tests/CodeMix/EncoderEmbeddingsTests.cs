using Melm.Models.Checkpoints;
using Melm.Models.Text;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.CodeMix;

public class EncoderEmbeddingsTests
{
    [Fact]
    public void VectorsHaveTheHiddenSizeAndAreDeterministicWhateverTheBatch()
    {
        var folder = SharedFiles.Require("fixtures/tiny-xlmr");
        using var model = ModelFolder.LoadMaskedLm(folder);
        var tokenizer = XlmrTokenizer.Load(folder);
        IReadOnlyList<IReadOnlyList<string>> mentions = [["New", "York", "City"], ["Paris"], ["Unión", "Europea"], ["\u200B"]];

        var first = new EncoderEmbeddings(model, tokenizer, batchSize: 2).Embed("en", mentions);
        var again = new EncoderEmbeddings(model, tokenizer, batchSize: 64).Embed("en", mentions);

        Assert.Equal(4, first.Count);
        Assert.All(first.Take(3), v => Assert.Equal(model.Config.HiddenSize, v!.Length));
        Assert.Null(first[3]);
        for (var m = 0; m < 3; m++)
        {
            for (var d = 0; d < model.Config.HiddenSize; d++)
                Assert.Equal(first[m]![d], again[m]![d], 5);
        }
        Assert.NotEqual(first[0], first[1]);
        Assert.Equal(EncoderEmbeddings.FallbackDescription, new EncoderEmbeddings(model, tokenizer).Description);
    }

    [Fact]
    public void AMentionAloneInItsBatchGetsTheMeanOfItsOwnSubwordStates()
    {
        var folder = SharedFiles.Require("fixtures/tiny-xlmr");
        using var model = ModelFolder.LoadMaskedLm(folder);
        var tokenizer = XlmrTokenizer.Load(folder);
        var alone = new EncoderEmbeddings(model, tokenizer).Embed("es", [["Unión", "Europea"]])[0]!;
        var padded = new EncoderEmbeddings(model, tokenizer).Embed("es", [["Unión", "Europea"], ["a", "much", "longer", "mention", "than", "the", "first"]])[0]!;

        using var noGrad = TorchSharp.torch.no_grad();
        var ids = tokenizer.EncodeWords(["Unión", "Europea"]).InputIds.Select(i => (long)i).ToArray();
        using var input = TorchSharp.torch.tensor(ids, 1, ids.Length);
        using var mask = TorchSharp.torch.ones_like(input);
        using var hidden = model.Encode(input, mask);
        using var mean = hidden[0].narrow(0, 1, ids.Length - 2).mean([0L]);
        var expected = mean.data<float>().ToArray();
        for (var d = 0; d < expected.Length; d++)
        {
            Assert.Equal(expected[d], alone[d], 5);
            Assert.Equal(expected[d], padded[d], 5);
        }
    }
}
