using Melm.Models.Pretraining;
using Melm.Models.Mlm;

namespace Melm.Models.Tests.Pretraining;

public class PretrainOptionsTests
{
    [Fact]
    public void NamesEveryOptionThatDiffersFromASavedRun()
    {
        var saved = new PretrainOptions { TextFiles = ["a.txt"], Tokenizer = "tok", Seed = 3 };
        var now = saved with { Seed = 4, LearningRate = 1e-3 };

        var differences = now.DifferencesFrom(saved.ToJson());

        Assert.Equal(2, differences.Count);
        Assert.Contains(differences, d => d.StartsWith("seed: \"3\" -> \"4\"", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("lr: 0.0005 -> 0.001", StringComparison.Ordinal));
        Assert.Empty(saved.DifferencesFrom(saved.ToJson()));
    }

    [Fact]
    public void ChecksNumbersAndNamesTheirOptions()
    {
        var problems = new PretrainOptions { Tokenizer = "tok", BlockSize = 2, BatchSize = 0, MaskRate = 1.5 }.Check();

        Assert.Equal(["--text/--conll", "--block", "--batch", "--mask-rate"], problems.Select(p => p.Source).ToArray());
    }

    [Fact]
    public void LearningRateWarmsUpThenDecaysToZero()
    {
        Assert.Equal(0.1, Pretrainer.LearningRateAt(0, 100, 1.0, 0.1), 12);
        Assert.Equal(1.0, Pretrainer.LearningRateAt(9, 100, 1.0, 0.1), 12);
        Assert.Equal(0.5, Pretrainer.LearningRateAt(55, 100, 1.0, 0.1), 12);
        Assert.Equal(1.0 / 90, Pretrainer.LearningRateAt(99, 100, 1.0, 0.1), 12);
    }
}
