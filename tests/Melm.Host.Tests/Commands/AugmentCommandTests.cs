using System.Text.Json;
using Melm.Host.Commands;
using Melm.Models.Data;
using Melm.Models.Runs;
using Melm.Models.Tests;

namespace Melm.Host.Tests.Commands;

[Collection(ConsoleCapture.Collection)]
public sealed class AugmentCommandTests
{
    [Fact]
    public void AugmentsWritesTheSameBytesTwiceAndResumes()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = DemoFile(folder, "train", 8);
        var dev = DemoFile(folder, "dev", 4);
        string[] Args(string output) => ["augment", "--model", model, "--train", train, "--dev", dev, "--out", output,
            "--epochs", "1", "--batch-size", "4", "--lr", "1e-3", "--seed", "5", "--rounds", "2", "--filter", "none"];
        var first = Path.Combine(folder.Path, "a");
        var second = Path.Combine(folder.Path, "b");

        var (code, output, error) = ConsoleCapture.Run(Args(first));
        ConsoleCapture.Run(Args(second));
        var (rerunCode, rerunOutput, _) = ConsoleCapture.Run(Args(first));

        Assert.True(code == 0, error);
        Assert.Contains("fine-tune: fine-tuned 1 epochs; best epoch 1", output, StringComparison.Ordinal);
        Assert.Contains("rewrites made (melm)", output, StringComparison.Ordinal);
        Assert.Contains("consistency filter: none", output, StringComparison.Ordinal);
        // The same command finds the run completed in the folder's journal and reports its stages again.
        Assert.Equal(0, rerunCode);
        Assert.Contains("fine-tune: fine-tuned 1 epochs; best epoch 1", rerunOutput, StringComparison.Ordinal);
        // The run is in the output folder's journal, its stages in order.
        var (_, runs, _) = ConsoleCapture.Run("runs", "--run-root", first, "--json");
        var run = JsonDocument.Parse(runs).RootElement.EnumerateArray().Single();
        Assert.Equal("completed", run.GetProperty("stage").GetString());
        Assert.Equal(["fine-tune", "generate", "write"], run.GetProperty("stages_done").EnumerateArray().Select(s => s.GetString()!).ToArray());
        var (_, table, _) = ConsoleCapture.Run("runs", "--run-root", first);
        Assert.Contains($"{run.GetProperty("run_id").GetString()}: fine-tune: fine-tuned 1 epochs; best epoch 1", table, StringComparison.Ordinal);
        // A fine-tune stage run again (here: in a new run whose folder holds what the first one left,
        // as a stage retried after a crash finds it) resumes from the fine-tuning checkpoint.
        var third = Path.Combine(folder.Path, "c");
        CopyFolder(Path.Combine(first, AugmentPipeline.ModelSubfolder), Path.Combine(third, AugmentPipeline.ModelSubfolder));
        var (resumedCode, resumedOutput, _) = ConsoleCapture.Run(Args(third));
        Assert.Equal(0, resumedCode);
        Assert.Contains("(resumed after epoch 1)", resumedOutput, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "aug.jsonl")), File.ReadAllBytes(Path.Combine(third, "aug.jsonl")));

        // The one-node cluster writes what the direct loop (melm generate) writes from the same fine-tuned model.
        var direct = Path.Combine(folder.Path, "direct");
        var (generateCode, _, generateError) = ConsoleCapture.Run("generate", "--model", Path.Combine(first, "melm-model"), "--input", train, "--out", direct, "--seed", "5", "--rounds", "2");
        Assert.True(generateCode == 0, generateError);
        foreach (var name in new[] { "aug.conll", "aug.jsonl", "train+aug.conll", "summary.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, name)), File.ReadAllBytes(Path.Combine(second, name)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(direct, name)), File.ReadAllBytes(Path.Combine(first, name)));
        }

        var gold = ConllReader.Read(train).Sentences;
        var augmented = JsonLines.Read(Path.Combine(first, "aug.jsonl")).Sentences;
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(first, "summary.json")));
        var root = summary.RootElement;
        var withEntities = gold.Count(s => s.Entities().Count > 0);
        Assert.Equal(gold.Count, root.GetProperty("sentences_read").GetInt32());
        Assert.Equal(gold.Count - withEntities, root.GetProperty("without_entities").GetInt32());
        Assert.Equal(2 * withEntities, root.GetProperty("rewrites_made").GetInt32());
        var dropped = root.GetProperty("dropped").EnumerateObject().Sum(p => p.Value.GetInt32());
        Assert.Equal(2 * withEntities, augmented.Count + dropped);
        Assert.Equal(augmented.Count, root.GetProperty("kept").GetInt32());
        Assert.Equal(gold.Count + augmented.Count, ConllReader.Read(Path.Combine(first, "train+aug.conll")).Sentences.Count);
        Assert.All(augmented, s => Assert.Equal(gold.Single(g => g.Id == s.Provenance!.SourceId).Tags, s.Tags));
    }

    [Fact]
    public void TheNerFilterTrainsATaggerOnTheGoldDataAndAccountsForEveryRewrite()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = DemoFile(folder, "train", 8);
        var dev = DemoFile(folder, "dev", 4);
        var output = Path.Combine(folder.Path, "out");
        string[] args = ["augment", "--model", model, "--train", train, "--dev", dev, "--out", output,
            "--epochs", "1", "--batch-size", "4", "--seed", "5", "--rounds", "2", "--tagger-epochs", "1"];

        var (code, first, error) = ConsoleCapture.Run(args);
        var (rerunCode, rerun, _) = ConsoleCapture.Run(args);

        Assert.True(code == 0, error);
        Assert.Contains("filter-tagger: epoch 1 of 1 kept", first, StringComparison.Ordinal);
        Assert.Contains("consistency filter: ner", first, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, AugmentPipeline.TaggerSubfolder, "melm-tagger.json")));
        Assert.Equal(0, rerunCode);
        Assert.Contains("filter-tagger: epoch 1 of 1 kept", rerun, StringComparison.Ordinal);
        // A new run whose folder holds the tagger an earlier attempt saved reuses it.
        var again = Path.Combine(folder.Path, "again");
        CopyFolder(Path.Combine(output, AugmentPipeline.TaggerSubfolder), Path.Combine(again, AugmentPipeline.TaggerSubfolder));
        var (reusedCode, reused, _) = ConsoleCapture.Run([.. args.Select(a => a == output ? again : a)]);
        Assert.Equal(0, reusedCode);
        Assert.Contains($"filter-tagger: reusing {Path.Combine(again, AugmentPipeline.TaggerSubfolder)}", reused, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json")));
        var root = summary.RootElement;
        var dropped = root.GetProperty("dropped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(root.GetProperty("rewrites_made").GetInt32(), root.GetProperty("kept").GetInt32() + dropped.Values.Sum());
        Assert.True(dropped.ContainsKey("filter"), string.Join(", ", dropped.Keys));

        // The same rewrites and tagger under the mentions rule: it asks less than the whole sentence, so it keeps
        // every rewrite the paper's rule kept, and says which rule it used.
        var mentions = Path.Combine(folder.Path, "mentions");
        var (mentionsCode, _, mentionsError) = ConsoleCapture.Run([.. args.Select(a => a == output ? mentions : a),
            "--tagger", Path.Combine(output, AugmentPipeline.TaggerSubfolder), "--filter-rule", "mentions"]);
        Assert.True(mentionsCode == 0, mentionsError);
        using var mentionsSummary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(mentions, "summary.json")));
        Assert.Equal("ner (mentions)", mentionsSummary.RootElement.GetProperty("filter").GetString());
        Assert.Equal(root.GetProperty("rewrites_made").GetInt32(), mentionsSummary.RootElement.GetProperty("rewrites_made").GetInt32());
        Assert.True(mentionsSummary.RootElement.GetProperty("kept").GetInt32() >= root.GetProperty("kept").GetInt32());
        var keptBySentenceRule = File.ReadAllLines(Path.Combine(output, "aug.jsonl"));
        Assert.Empty(keptBySentenceRule.Except(File.ReadAllLines(Path.Combine(mentions, "aug.jsonl"))));

        var (badCode, _, badError) = ConsoleCapture.Run([.. args, "--filter-rule", "tokens"]);
        Assert.Equal(2, badCode);
        Assert.Contains("--filter-rule: unknown rule 'tokens' (expected sentence, mentions or no-worse)", badError, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNerFilterWithoutATaggerNeedsADevSetToTrainOne()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");

        var (code, _, error) = ConsoleCapture.Run("augment", "--model", TinyModels.PretrainedFolder(folder), "--train", DemoFile(folder, "train", 4), "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("--filter ner trains its tagger on the gold data and picks its epoch on --dev", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void BadInputIsRefusedWithAMessage()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var empty = folder.Write("empty.txt", "");
        var odd = folder.Write("odd.txt", "Acme\tB-PRODUCT\nrocks\tO\n");
        var output = Path.Combine(folder.Path, "out");

        var (emptyCode, _, emptyError) = ConsoleCapture.Run("augment", "--model", model, "--train", empty, "--out", output);
        var (notTunedCode, _, notTunedError) = ConsoleCapture.Run("generate", "--model", model, "--input", odd, "--out", output);
        var (nothingCode, _, nothingError) = ConsoleCapture.Run("finetune", "--model", model, "--train", odd, "--out", output, "--method", "mlm-entity");
        var (methodCode, _, methodError) = ConsoleCapture.Run("generate", "--model", model, "--input", odd, "--out", output, "--method", "gold");
        var (taggerCode, _, taggerError) = ConsoleCapture.Run("augment", "--model", model, "--train", odd, "--out", output, "--tagger", folder.Path);

        Assert.Equal(2, emptyCode);
        Assert.Contains($"{empty}: no sentences", emptyError, StringComparison.Ordinal);
        Assert.Equal(2, notTunedCode);
        Assert.Contains("not a fine-tuned MELM folder", notTunedError, StringComparison.Ordinal);
        Assert.Equal(2, nothingCode);
        Assert.Contains("there is nothing to fine-tune", nothingError, StringComparison.Ordinal);
        Assert.Equal(2, methodCode);
        Assert.Contains("unknown method 'gold'", methodError, StringComparison.Ordinal);
        Assert.Equal(2, taggerCode);
        Assert.Contains($"{folder.Path}: not a tagger folder (no melm-tagger.json)", taggerError, StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateRefusesTagsTheFineTunedModelHasNoMarkerFor()
    {
        using var folder = new TempFolder();
        var tuned = Path.Combine(folder.Path, "tuned");
        var odd = folder.Write("odd.txt", "Acme\tB-PRODUCT\nrocks\tO\n");
        var (tuneCode, _, tuneError) = ConsoleCapture.Run("finetune", "--model", TinyModels.PretrainedFolder(folder), "--train", DemoFile(folder, "train", 4), "--out", tuned, "--epochs", "1");
        Assert.True(tuneCode == 0, tuneError);

        var (code, _, error) = ConsoleCapture.Run("generate", "--model", tuned, "--input", odd, "--out", Path.Combine(folder.Path, "out"));

        Assert.Equal(2, code);
        Assert.Contains($"{odd}:1: sentence odd:0: tag B-PRODUCT is not in the model's marker set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelwiseSubstitutionGoesThroughTheSameFilterAndOutputs()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = DemoFile(folder, "train", 8);
        var dev = DemoFile(folder, "dev", 4);
        var unfiltered = Path.Combine(folder.Path, "plain");
        var filtered = Path.Combine(folder.Path, "filtered");
        string[] Args(string output, string filter) => ["augment", "--model", model, "--train", train, "--dev", dev, "--out", output,
            "--method", "label-wise", "--seed", "5", "--rounds", "3", "--tagger-epochs", "1", "--filter", filter];

        var (code, stdout, error) = ConsoleCapture.Run(Args(unfiltered, "none"));
        var (filteredCode, filteredOut, filteredError) = ConsoleCapture.Run(Args(filtered, "ner"));

        Assert.True(code == 0, error);
        Assert.True(filteredCode == 0, filteredError);
        Assert.Contains("rewrites made (label-wise)", stdout, StringComparison.Ordinal);
        Assert.Contains("consistency filter: ner", filteredOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(unfiltered, AugmentPipeline.ModelSubfolder)));
        var gold = ConllReader.Read(train).Sentences;
        var augmented = JsonLines.Read(Path.Combine(unfiltered, "aug.jsonl")).Sentences;
        Assert.Equal(gold.Count + augmented.Count, ConllReader.Read(Path.Combine(unfiltered, "train+aug.conll")).Sentences.Count);
        Assert.All(augmented, s => Assert.Equal("label-wise", s.Provenance!.Method));
        Assert.Equal(augmented.Count, File.ReadAllLines(Path.Combine(unfiltered, "substitutions.jsonl")).Length);
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(unfiltered, "summary.json")));
        // Label-wise only moves mentions of the training set: none of its entities is new.
        Assert.All(summary.RootElement.GetProperty("entity_types").EnumerateArray(), t => Assert.Equal(0, t.GetProperty("new_unique").GetInt32()));
        foreach (var output in new[] { unfiltered, filtered })
        {
            using var each = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json")));
            var root = each.RootElement;
            var dropped = root.GetProperty("dropped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            Assert.Equal("label-wise", root.GetProperty("method").GetString());
            Assert.Equal(3 * gold.Count(s => s.Entities().Count > 0), root.GetProperty("rewrites_made").GetInt32());
            Assert.Equal(root.GetProperty("rewrites_made").GetInt32(), root.GetProperty("kept").GetInt32() + dropped.Values.Sum());
        }
        // The filter only removes: what it keeps is among the unfiltered rewrites, and it tagged at least all of those.
        using var filteredSummary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(filtered, "summary.json")));
        var byFilter = filteredSummary.RootElement.GetProperty("dropped").GetProperty("filter").GetInt32();
        var keptByFilter = filteredSummary.RootElement.GetProperty("kept").GetInt32();
        Assert.True(keptByFilter + byFilter >= augmented.Count, $"{keptByFilter} kept + {byFilter} refused < {augmented.Count}");
        if (keptByFilter > 0)
            Assert.Subset(augmented.Select(s => s.Id).ToHashSet(), JsonLines.Read(Path.Combine(filtered, "aug.jsonl")).Sentences.Select(s => s.Id).ToHashSet());
    }

    [Fact]
    public void GoldOnlyWritesTheTrainingSetAsItIsAndSaysSo()
    {
        using var folder = new TempFolder();
        var train = DemoFile(folder, "train", 6);
        var output = Path.Combine(folder.Path, "out");

        var (code, stdout, error) = ConsoleCapture.Run("augment", "--model", TinyModels.PretrainedFolder(folder), "--train", train, "--out", output, "--method", "gold-only");

        Assert.True(code == 0, error);
        Assert.Contains("gold only: no rewrites", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(output, AugmentPipeline.TaggerSubfolder)));
        Assert.Equal(File.ReadAllBytes(train), File.ReadAllBytes(Path.Combine(output, "train+aug.conll")));
        Assert.DoesNotContain(JsonLines.Read(Path.Combine(output, "train+aug.jsonl")).Sentences, s => s.Provenance is not null);
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json")));
        Assert.Equal(0, summary.RootElement.GetProperty("rewrites_made").GetInt32());
        Assert.Equal(6, summary.RootElement.GetProperty("sentences_read").GetInt32());
    }

    [Fact]
    public void MelmOverGoldPlusCodeMixedSentencesMarksLanguagesAndKeepsEverySentence()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var en = DemoFile(folder, "train", 6);
        var es = DemoFile(folder, "train", 6, "es");
        var mixed = Path.Combine(folder.Path, "mixed");
        var output = Path.Combine(folder.Path, "out");
        var (mixCode, _, mixError) = ConsoleCapture.Run("codemix", "--train", $"en={en}", "--train", $"es={es}", "--random", "--seed", "5", "--out", mixed);
        Assert.True(mixCode == 0, mixError);

        var (code, stdout, error) = ConsoleCapture.Run("augment", "--model", model, "--codemix", mixed, "--out", output,
            "--epochs", "1", "--batch-size", "4", "--seed", "5", "--rounds", "2", "--filter", "none");

        Assert.True(code == 0, error);
        Assert.Contains("rewrites made (melm)", stdout, StringComparison.Ordinal);
        var codeMixed = JsonLines.Read(Path.Combine(mixed, "aug.jsonl")).Sentences;
        Assert.NotEmpty(codeMixed);
        using var info = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, AugmentPipeline.ModelSubfolder, "melm.json")));
        Assert.Equal(["en", "es"], info.RootElement.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "summary.json")));
        var read = summary.RootElement.GetProperty("sentences_read").GetInt32();
        Assert.Equal(12 + codeMixed.Count, read);
        var augmented = JsonLines.Read(Path.Combine(output, "aug.jsonl")).Sentences;
        var all = JsonLines.Read(Path.Combine(output, "train+aug.jsonl")).Sentences;
        Assert.Equal(read + augmented.Count, all.Count);
        Assert.Equal(codeMixed.Select(s => s.Id), all.Where(s => s.Provenance?.Method == "code-mix-random").Select(s => s.Id));
        Assert.Contains(augmented, s => s.Provenance!.SourceId.Contains("/code-mix-random/", StringComparison.Ordinal));

        // One command with code-mixing as the run's first stage writes the same bytes as the two commands.
        var staged = Path.Combine(folder.Path, "staged");
        var (stagedCode, stagedOut, stagedError) = ConsoleCapture.Run("augment", "--model", model, "--codemix-train", $"en={en}", "--codemix-train", $"es={es}", "--codemix-random",
            "--out", staged, "--epochs", "1", "--batch-size", "4", "--seed", "5", "--rounds", "2", "--filter", "none");
        Assert.True(stagedCode == 0, stagedError);
        Assert.Contains($"code-mix: {codeMixed.Count} code-mixed sentences from 12 training sentences", stagedOut, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(mixed, "aug.jsonl")), File.ReadAllBytes(Path.Combine(staged, AugmentRunOptions.CodeMixSubfolder, "aug.jsonl")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "aug.jsonl")), File.ReadAllBytes(Path.Combine(staged, "aug.jsonl")));
    }

    [Fact]
    public void AugmentNeedsOneSourceOfTrainingSentencesAndGenerateOnlyRunsMaskedLms()
    {
        using var folder = new TempFolder();
        var model = TinyModels.PretrainedFolder(folder);
        var train = DemoFile(folder, "train", 4);
        var output = Path.Combine(folder.Path, "out");

        var neither = ConsoleCapture.Run("augment", "--model", model, "--out", output);
        var both = ConsoleCapture.Run("augment", "--model", model, "--train", train, "--codemix", folder.Path, "--out", output);
        var mixAndTrain = ConsoleCapture.Run("augment", "--model", model, "--train", train, "--codemix-train", $"en={train}", "--codemix-train", $"de={train}", "--out", output);
        var oneLanguage = ConsoleCapture.Run("augment", "--model", model, "--codemix-train", $"en={train}", "--out", output);
        var badPair = ConsoleCapture.Run("augment", "--model", model, "--codemix-train", train, "--out", output);
        var notCodeMix = ConsoleCapture.Run("augment", "--model", model, "--codemix", folder.Path, "--out", output);
        var generate = ConsoleCapture.Run("generate", "--model", model, "--input", train, "--out", output, "--method", "label-wise");

        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("give the gold training file (--train), or a `melm codemix` output folder (--codemix)", neither.Error, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give --train or --codemix, not both", both.Error, StringComparison.Ordinal);
        Assert.Equal((2, 2, 2), (mixAndTrain.ExitCode, oneLanguage.ExitCode, badPair.ExitCode));
        Assert.Contains("give --codemix-train, or --train, or --codemix", mixAndTrain.Error, StringComparison.Ordinal);
        Assert.Contains("at least two languages", oneLanguage.Error, StringComparison.Ordinal);
        Assert.Contains("expected LANG=FILE", badPair.Error, StringComparison.Ordinal);
        Assert.Equal(2, notCodeMix.ExitCode);
        Assert.Contains("not a `melm codemix` output folder", notCodeMix.Error, StringComparison.Ordinal);
        Assert.Equal(2, generate.ExitCode);
        Assert.Contains("label-wise uses no masked LM", generate.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ADevTypeTheTrainingDataLacksGetsMarkersAndTaggerLabelsAndOneNote()
    {
        using var folder = new TempFolder();
        var odd = folder.Write("odd-dev.txt", "Acme\tB-PRODUCT\nRocket\tI-PRODUCT\nrocks\tO\n\nWidget\tB-PRODUCT\nsells\tO\n");
        var output = Path.Combine(folder.Path, "out");

        var (code, stdout, error) = ConsoleCapture.Run("augment", "--model", TinyModels.PretrainedFolder(folder), "--train", DemoFile(folder, "train", 4), "--dev", odd,
            "--out", output, "--epochs", "1", "--tagger-epochs", "1", "--rounds", "1");

        Assert.True(code == 0, error);
        var notes = stdout.Split('\n').Where(l => l.StartsWith("note: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"note: {odd}: entity type PRODUCT: 3 dev tokens (B-PRODUCT, I-PRODUCT) have this type, which the training data lacks altogether; the run gives it every tag of the scheme (B-PRODUCT, I-PRODUCT) and counts these tokens on dev, but no training sentence teaches them"], notes);
        var tags = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "melm-model", "melm.json"))).RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Contains("B-PRODUCT", tags);
        Assert.Contains("I-PRODUCT", tags);
        Assert.Contains("I-PRODUCT", File.ReadAllText(Path.Combine(output, "filter-tagger", "melm-tagger.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "aug.jsonl")));
    }

    [Fact]
    public void OnTheDutchSampleADevTagTheTrainingSampleLacksDoesNotStopTheRun()
    {
        using var folder = new TempFolder();
        static string Sample(TempFolder folder, string split, int count)
        {
            var path = SharedFiles.Require($"data/conll/nl/{split}.txt");
            var sentences = ConllReader.Read(path).Sentences.Take(count).ToArray();
            var file = Path.Combine(folder.Path, $"nl-{split}.txt");
            ConllWriter.WriteSentences(sentences, file);
            return file;
        }
        var train = Sample(folder, "train", 120);
        var dev = Sample(folder, "dev", 20);
        var trained = ConllReader.Read(train).Sentences.SelectMany(s => s.Tags).ToHashSet(StringComparer.Ordinal);
        var missing = ConllReader.Read(dev).Sentences.SelectMany(s => s.Tags).Where(t => !trained.Contains(t)).Distinct().ToArray();
        Assert.True(missing.Length > 0, "the Dutch sample's dev tags are all in its training sample: this test checks nothing");
        var output = Path.Combine(folder.Path, "out");

        var (code, stdout, error) = ConsoleCapture.Run("augment", "--model", TinyModels.PretrainedFolder(folder), "--train", train, "--dev", dev,
            "--out", output, "--epochs", "1", "--tagger-epochs", "1", "--rounds", "1", "--seed", "3");

        Assert.True(code == 0, error);
        Assert.Contains("note: ", stdout, StringComparison.Ordinal);
        var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "melm-model", "melm.json"))).RootElement;
        Assert.All(missing, t => Assert.Contains(t, info.GetProperty("tags").EnumerateArray().Select(e => e.GetString())));
        Assert.True(double.IsFinite(info.GetProperty("best_dev_loss").GetDouble()));
        Assert.True(File.Exists(Path.Combine(output, "aug.jsonl")));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    internal static string DemoFile(TempFolder folder, string split, int count, string language = "en")
    {
        var sentences = ConllReader.Read(SharedFiles.Repository($"samples/demo/{language}/{split}.txt")).Sentences.Take(count).ToArray();
        var path = Path.Combine(folder.Path, language == "en" ? $"{split}.txt" : $"{language}-{split}.txt");
        ConllWriter.WriteSentences(sentences, path);
        return path;
    }
}
