using System.Text;
using System.Text.Json;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Nn;
using Melm.Models.Text;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class NerCommandTests
{
    private static readonly string[] Names = ["Anna", "Boris", "Clara", "David"];
    private static readonly string[] Places = ["Paris", "Berlin", "Oslo", "Rome"];
    private static readonly string[] Words = ["the", "went", "saw", "and", "today", "house"];

    [Fact]
    public void TrainsEvaluatesAndPredictsThroughTheCommandLine()
    {
        using var folder = new TempFolder();
        var model = EncoderFolder(folder.Path);
        var train = folder.Write("train.txt", Conll(40, 1));
        var dev = folder.Write("dev.txt", Conll(10, 2));
        var test = folder.Write("test.txt", Conll(12, 3, longSentences: true));
        var tagger = Path.Combine(folder.Path, "tagger");
        var trainJson = Path.Combine(folder.Path, "train.json");

        var (code, output, error) = ConsoleCapture.Run("ner", "train", "--train", train, "--dev", dev, "--model", model, "--out", tagger,
            "--epochs", "2", "--lr", "0.003", "--crf-lr", "0.03", "--seed", "4", "--max-length", "12", "--json", trainJson);

        Assert.True(code == 0, error);
        Assert.Contains("labels O B-LOC B-PER I-PER", output, StringComparison.Ordinal);
        Assert.Contains("kept epoch", output, StringComparison.Ordinal);
        Assert.Contains("dev F1", error, StringComparison.Ordinal);
        foreach (var name in new[] { "model.safetensors", "crf.safetensors", "config.json", "melm-tagger.json", "sentencepiece.bpe.model" })
            Assert.True(File.Exists(Path.Combine(tagger, name)), name);
        using (var figures = JsonDocument.Parse(File.ReadAllBytes(trainJson)))
            Assert.Equal(2, figures.RootElement.GetProperty("epochs").GetArrayLength());
        using (var metadata = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(tagger, "melm-tagger.json"))))
            Assert.Equal(12, metadata.RootElement.GetProperty("max_length").GetInt32());
        // Training curves: a loss per step (40 sentences in batches of 16: 3 a epoch), dev F1 at each epoch's last step.
        var curves = TensorBoardEventFile.ReadFolder(Path.Combine(tagger, "tensorboard"));
        Assert.Equal([1, 2, 3, 4, 5, 6], curves.Where(p => p.Tag == "train/loss").Select(p => p.Step));
        Assert.Equal([3, 6], curves.Where(p => p.Tag == "dev/f1").Select(p => p.Step));
        Assert.Equal([3, 6], curves.Where(p => p.Tag == "train/epoch_loss").Select(p => p.Step));
        Assert.Equal(6, curves.Count(p => p.Tag == "train/sentences_per_second"));

        var evalJson = Path.Combine(folder.Path, "eval.json");
        (code, output, error) = ConsoleCapture.Run("ner", "eval", "--model", tagger, "--test", test, "--json", evalJson);
        Assert.True(code == 0, error);
        Assert.Contains("12 sentences tagged", output, StringComparison.Ordinal);
        Assert.Contains("overall", output, StringComparison.Ordinal);
        using (var figures = JsonDocument.Parse(File.ReadAllBytes(evalJson)))
            Assert.Equal(12, figures.RootElement.GetProperty("sentences").GetInt32());

        foreach (var name in new[] { "pred.txt", "pred.jsonl" })
        {
            var predicted = Path.Combine(folder.Path, name);
            (code, _, error) = ConsoleCapture.Run("ner", "predict", "--model", tagger, "--input", test, "--out", predicted);
            Assert.True(code == 0, error);
            var gold = CorpusFile.Read(test);
            var result = CorpusFile.Read(predicted);
            if (CorpusFile.IsJsonLines(predicted))
                Assert.Equal(gold.Sentences.Select(s => s.Id), result.Sentences.Select(s => s.Id));
            Assert.Equal(gold.Sentences.Count, result.Sentences.Count);
            Assert.All(gold.Sentences.Zip(result.Sentences), p => Assert.Equal(p.Item1.Tokens, p.Item2.Tokens));
        }

        // Tokens alone, as a user has them before tagging: the same predictions as for the tagged file.
        var raw = folder.Write("raw.txt", string.Join("\n\n", CorpusFile.Read(test).Sentences.Select(s => string.Join('\n', s.Tokens))) + "\n");
        var fromRaw = Path.Combine(folder.Path, "raw-pred.txt");
        (code, _, error) = ConsoleCapture.Run("ner", "predict", "--model", tagger, "--input", raw, "--out", fromRaw);
        Assert.True(code == 0, error);
        Assert.Equal(
            CorpusFile.Read(Path.Combine(folder.Path, "pred.txt")).Sentences.Select(s => s.Tags),
            CorpusFile.Read(fromRaw).Sentences.Select(s => s.Tags));
    }

    [Fact]
    public void EvalRefusesTagsTheTaggerNeverSawNamingFileAndLine()
    {
        using var folder = new TempFolder();
        var tagger = TrainedTagger(folder);
        var test = folder.Write("test.txt", "EU\tB-ORG\nrejects\tO\n\n");

        var (code, output, error) = ConsoleCapture.Run("ner", "eval", "--model", tagger, "--test", test);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"error: {test}:1: tag \"B-ORG\" was not in the tagger's training data", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyDevSetOrATrainingFileWithoutEntitiesExitsWithTwo()
    {
        using var folder = new TempFolder();
        var model = EncoderFolder(folder.Path);
        var train = folder.Write("train.txt", Conll(10, 1));
        var empty = folder.Write("empty.txt", "");
        var plain = folder.Write("plain.txt", "just\tO\nwords\tO\n\n");
        var output = Path.Combine(folder.Path, "tagger");

        var (code, _, error) = ConsoleCapture.Run("ner", "train", "--train", train, "--dev", empty, "--model", model, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains($"error: {empty}: no sentences", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));

        (code, _, error) = ConsoleCapture.Run("ner", "train", "--train", plain, "--dev", train, "--model", model, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains($"error: {plain}: the training file has no entities", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMaskedLmFolderOrAFolderWithoutConfigIsNotATagger()
    {
        using var folder = new TempFolder();
        var model = EncoderFolder(folder.Path);
        var test = folder.Write("test.txt", Conll(2, 3));

        var (code, _, error) = ConsoleCapture.Run("ner", "eval", "--model", model, "--test", test);
        Assert.Equal(2, code);
        Assert.Contains("not a tagger folder: no melm-tagger.json", error, StringComparison.Ordinal);

        var tagger = TrainedTagger(folder);
        File.Delete(Path.Combine(tagger, "config.json"));
        (code, _, error) = ConsoleCapture.Run("ner", "predict", "--model", tagger, "--input", test, "--out", Path.Combine(folder.Path, "p.txt"));
        Assert.Equal(2, code);
        Assert.Contains("no config.json", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static string TrainedTagger(TempFolder folder)
    {
        var model = EncoderFolder(folder.Path);
        var train = folder.Write("t.txt", Conll(16, 1));
        var tagger = Path.Combine(folder.Path, "tagger");
        var (code, _, error) = ConsoleCapture.Run("ner", "train", "--train", train, "--dev", train, "--model", model, "--out", tagger, "--epochs", "1");
        Assert.True(code == 0, error);
        return tagger;
    }

    /// <summary>A tiny random masked LM over the demo tokenizer, saved as a Hugging Face folder; its window of 18 tokens makes long sentences take several.</summary>
    private static string EncoderFolder(string parent)
    {
        var path = Path.Combine(parent, "encoder");
        var tokenizer = XlmrTokenizer.Load(Path.Combine(RepositoryRoot(), "samples", "demo", "tokenizer"));
        var config = new RobertaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2,
            IntermediateSize = 32, MaxPositionEmbeddings = 20,
        };
        using var model = new RobertaForMaskedLM(config, seed: 9);
        ModelFolder.Save(model, path);
        tokenizer.Save(path);
        return path;
    }

    private static string Conll(int count, int seed, bool longSentences = false)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var s = 0; s < count; s++)
        {
            var length = longSentences ? 20 + random.Next(20) : 3 + random.Next(6);
            for (var t = 0; t < length; t++)
            {
                switch (random.Next(4))
                {
                    case 0:
                        text.Append(Names[random.Next(Names.Length)]).Append("\tB-PER\n");
                        if (random.Next(2) == 0)
                            text.Append("Smith\tI-PER\n");
                        break;
                    case 1:
                        text.Append("in\tO\n").Append(Places[random.Next(Places.Length)]).Append("\tB-LOC\n");
                        break;
                    default:
                        text.Append(Words[random.Next(Words.Length)]).Append("\tO\n");
                        break;
                }
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Melm.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The tests run outside the repository: no Melm.sln above " + AppContext.BaseDirectory);
    }
}
