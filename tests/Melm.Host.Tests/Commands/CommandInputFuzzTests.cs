using System.Text;
using CsCheck;
using Melm.Models.Data;
using Melm.Models.Tests.Fuzzing;

namespace Melm.Host.Tests.Commands;

/// <summary>
/// Commands that read corpora and write files, fed mutated input files: they succeed and write every
/// output, or exit with code 2 and an error naming the bad file, and then leave no output file behind.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed class CommandInputFuzzTests
{
    private const int Iterations = 300;

    private static readonly byte[] Train = FirstSentences("samples/demo/en/train.txt", 6);

    private static readonly byte[] Dev = FirstSentences("samples/demo/en/dev.txt", 4);

    [Fact]
    public void SampleWritesAWholeSampleOrNothing()
    {
        using var folder = new TempFolder();
        var run = 0;
        // Both outcomes must occur, or the property says nothing about one of them.
        var outcomes = new HashSet<int>();
        Gen.Select(Gen.Bool, InputMutations.Mutated(Train), InputMutations.Mutated(Dev), Gen.Bool).Check((jsonl, train, dev, mutateTrain) =>
        {
            var extension = jsonl ? "jsonl" : "txt";
            var trainPath = folder.Write($"{run}-train.{extension}", "");
            var devPath = folder.Write($"{run}-dev.{extension}", "");
            File.WriteAllBytes(trainPath, jsonl ? AsJsonLines(mutateTrain ? train : Train) ?? train : mutateTrain ? train : Train);
            File.WriteAllBytes(devPath, jsonl ? AsJsonLines(mutateTrain ? Dev : dev) ?? dev : mutateTrain ? Dev : dev);
            var output = Path.Combine(folder.Path, $"{run++}-out");

            var (code, _, error) = ConsoleCapture.Run("sample", "--train", trainPath, "--dev", devPath, "--n", "3", "--seed", "1", "--out", output);

            outcomes.Add(AssertWholeOrNothing(code, error, [trainPath, devPath], output, ["train.txt", "dev.txt", "manifest.json"]));
        }, Iterations);

        Assert.Equal([0, 2], outcomes.Order());
    }

    [Fact]
    public void EvalWritesItsJsonOrNothing()
    {
        using var folder = new TempFolder();
        var gold = folder.Write("gold.txt", Encoding.UTF8.GetString(Dev));
        var run = 0;
        // Both outcomes must occur, or the property says nothing about one of them.
        var outcomes = new HashSet<int>();
        InputMutations.Mutated(Dev).Check(predicted =>
        {
            var predictedPath = folder.Write($"{run}-pred.txt", "");
            File.WriteAllBytes(predictedPath, predicted);
            var json = Path.Combine(Directory.CreateDirectory(Path.Combine(folder.Path, $"{run++}-out")).FullName, "scores.json");

            var (code, _, error) = ConsoleCapture.Run("eval", "--gold", gold, "--pred", predictedPath, "--json", json);

            outcomes.Add(AssertWholeOrNothing(code, error, [predictedPath], Path.GetDirectoryName(json)!, ["scores.json"]));
        }, Iterations);

        Assert.Equal([0, 2], outcomes.Order());
    }

    private static int AssertWholeOrNothing(int code, string error, string[] inputs, string output, string[] files)
    {
        if (code == 0)
        {
            Assert.All(files, f => Assert.True(File.Exists(Path.Combine(output, f)), $"{f} missing after a successful run"));
            return code;
        }
        Assert.True(code == 2, $"exit code {code}: {error}");
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.True(inputs.Any(input => error.Contains(input, StringComparison.Ordinal)), $"the error names none of {string.Join(", ", inputs)}: {error}");
        Assert.True(!Directory.Exists(output) || Directory.GetFiles(output, "*", SearchOption.AllDirectories).Length == 0,
            $"files left in {output} by a run that failed: {error}");
        return code;
    }

    /// <summary>The CoNLL bytes as JSON Lines when they read (so the JSONL reader sees mutated sentences), else null.</summary>
    private static byte[]? AsJsonLines(byte[] conll)
    {
        try
        {
            return JsonLines.Serialize(ConllReader.Parse(conll, "x.txt").Sentences);
        }
        catch (Melm.Models.Diagnostics.InputException)
        {
            return null;
        }
    }

    private static byte[] FirstSentences(string path, int count) =>
        ConllWriter.SerializeSentences(ConllReader.Read(SharedFiles.Repository(path)).Sentences.Take(count).ToArray(), path);
}
