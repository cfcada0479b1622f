using Melm.Models.Tests;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class PretrainCommandTests
{
    private static string[] Arguments(string output, params string[] more) =>
    [
        "pretrain", "--text", SharedFiles.Repository("samples/demo/unlabeled/en.txt"),
        "--tokenizer", SharedFiles.Repository("samples/demo/tokenizer"), "--out", output,
        "--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--block", "32", "--batch", "8",
        "--total-steps", "4", "--checkpoint-every", "2", "--holdout", "10", "--threads", "1", .. more,
    ];

    [Fact]
    public void StopsAtTheBudgetResumesAndSaysWhenFinished()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "small");

        var stopped = ConsoleCapture.Run(Arguments(output, "--steps", "2"));
        var finished = ConsoleCapture.Run(Arguments(output));
        var again = ConsoleCapture.Run(Arguments(output));

        Assert.True(stopped.ExitCode == 0, stopped.Error);
        Assert.Contains("stopped by the steps budget at step 2/4", stopped.Out, StringComparison.Ordinal);
        Assert.Contains("held-out accuracy", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(0, finished.ExitCode);
        Assert.Contains("finished at step 4/4", finished.Out, StringComparison.Ordinal);
        Assert.Contains("resumed at step 2", finished.Error, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already finished (4/4 steps)", again.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "sentencepiece.bpe.model")));
        Assert.True(File.Exists(Path.Combine(output, "pretrain-report.json")));
    }

    [Fact]
    public void ResumingWithOtherOptionsExitsWithTwoNamingTheDifference()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "small");
        Assert.Equal(0, ConsoleCapture.Run(Arguments(output, "--steps", "2")).ExitCode);

        var (code, _, error) = ConsoleCapture.Run(Arguments(output, "--seed", "9"));

        Assert.Equal(2, code);
        Assert.Contains("differs in seed: \"1\" -> \"9\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptionsExitWithTwo()
    {
        using var folder = new TempFolder();

        var (code, _, error) = ConsoleCapture.Run(Arguments(Path.Combine(folder.Path, "x"), "--mask-rate", "1.5", "--warmup", "1"));

        Assert.Equal(2, code);
        Assert.Contains("--mask-rate: must be in (0, 1), got 1.5", error, StringComparison.Ordinal);
        Assert.Contains("--warmup: must be in [0, 1), got 1", error, StringComparison.Ordinal);
    }
}
