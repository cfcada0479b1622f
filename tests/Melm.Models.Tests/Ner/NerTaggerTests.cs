using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Evaluation;
using Melm.Models.Ner;
using Melm.Models.Tests.Nn;
using TorchSharp.Modules;
using Melm.Models.Tagging;

namespace Melm.Models.Tests.Ner;

[Collection(TorchGlobalGenerator.Collection)]
public sealed class NerTaggerTests(TrainedSyntheticTagger trained) : IClassFixture<TrainedSyntheticTagger>
{
    [Fact]
    public void LearnsTheSyntheticTaskAboveF195OnDevAndOnLongerTestSentences()
    {
        Assert.True(trained.Result.BestDevF1 > 95, $"dev F1 {trained.Result.BestDevF1:F2} after {trained.Seconds:F1} s");
        Assert.Equal(trained.Result.Epochs.Max(e => e.DevF1), trained.Result.BestDevF1);
        Assert.True(trained.Result.Epochs[^1].TrainLoss < trained.Result.Epochs[0].TrainLoss);

        var predictor = new NerPredictor(trained.Tagger, trained.Tokenizer, batchSize: 7);
        var predicted = predictor.Predict(trained.Test.Sentences.Select(s => s.Tokens).ToList());
        var windowed = trained.Test.Sentences.Count(s => trained.Tagger.Encode(trained.Tokenizer, s.Tokens).Windows.Count > 1);
        Assert.True(windowed > 6, $"only {windowed} test sentences need several windows");
        Assert.All(trained.Test.Sentences.Zip(predicted), p => Assert.Equal(p.First.Tokens.Count, p.Second.Count));
        var testF1 = EntityF1.Score(trained.Test.Sentences.Select((s, i) => (s.Tags, predicted[i]))).Overall.F1;
        Assert.True(testF1 > 95, $"test F1 {testF1:F2}");
    }

    [Fact]
    public void ReportsLossEveryBatchAndDevF1EveryEpoch()
    {
        var steps = trained.Result.Steps;
        Assert.Equal(trained.Result.Epochs.Count * ((trained.Train.Sentences.Count + 15) / 16), steps);
        Assert.All(trained.Updates, u => Assert.Equal(steps, u.Total));
        Assert.Equal(Enumerable.Range(1, steps).Select(i => (long)i), trained.Updates.Select(u => u.Done).Distinct());
        Assert.All(trained.Updates, u => Assert.Contains(u.Metrics, m => m.Key == "loss"));
        var withF1 = trained.Updates.Where(u => u.Metrics.Any(m => m.Key == "dev F1")).ToList();
        Assert.Equal(trained.Result.Epochs[^1].DevF1, withF1[^1].Metrics.Single(m => m.Key == "dev F1").Value);
    }

    [Fact]
    public void PredictionAnswersInTheOrderAskedWhateverTheBatchingAndGivesAnEmptySentenceNoTags()
    {
        var sentences = trained.Test.Sentences.Take(20).Select(s => s.Tokens).Append([]).Reverse().ToList();
        var batched = ((IConsistencyFilter)new NerPredictor(trained.Tagger, trained.Tokenizer, batchSize: 3)).Predict(sentences);
        var single = new NerPredictor(trained.Tagger, trained.Tokenizer, batchSize: 1).Predict(sentences);

        Assert.Empty(batched[0]);
        Assert.Equal(sentences.Select(s => s.Count), batched.Select(t => t.Count));
        Assert.Equal(single, batched);
        Assert.All(batched, tags => Assert.Empty(TagSchemes.Check(tags, trained.Tagger.Labels.Scheme)));
    }

    [Fact]
    public void AFrozenEncoderKeepsItsWeightsWhileTheHeadLearns()
    {
        var train = SyntheticNer.Corpus("train", 32, 1);
        using var tagger = SyntheticNer.NewTagger(trained.Tokenizer, TaggerLabels.FromTraining(train), 5);
        var before = Bits(tagger);
        NerTrainer.Train(tagger, trained.Tokenizer, train, SyntheticNer.Corpus("dev", 4, 2), SyntheticNer.Options(1, 1) with { FreezeEncoder = true },
            cancellationToken: TestContext.Current.CancellationToken);
        var after = Bits(tagger);

        Assert.All(tagger.EncoderParameters(), p => Assert.True(before[p.Name].SequenceEqual(after[p.Name]), p.Name));
        Assert.All(tagger.ClassifierParameters().Concat(tagger.CrfParameters()), p => Assert.False(before[p.Name].SequenceEqual(after[p.Name]), p.Name));
        Assert.All(tagger.EncoderParameters(), p => Assert.True(p.Parameter.requires_grad, p.Name));
    }

    [Fact]
    public void SavedFolderLoadsBackBitForBitAndPredictsTheSame()
    {
        using var folder = TinyModels.Scratch();
        TaggerFolder.Save(trained.Tagger, trained.Tokenizer, folder.Path);
        var (loaded, tokenizer) = TaggerFolder.Load(folder.Path);
        using (loaded)
        {
            Assert.Equal(trained.Tagger.Labels.Names, loaded.Labels.Names);
            Assert.Equal(trained.Tagger.Labels.Scheme, loaded.Labels.Scheme);
            AssertSameParameters(trained.Tagger, loaded);
            var sentences = trained.Test.Sentences.Select(s => s.Tokens).ToList();
            var before = new NerPredictor(trained.Tagger, trained.Tokenizer).Predict(sentences);
            var after = new NerPredictor(loaded, tokenizer).Predict(sentences);
            Assert.Equal(before, after);
        }

        // The folder is also what transformers' XLMRobertaForTokenClassification reads: encoder and classifier keys, labels in config.json.
        var keys = SafetensorsFile.Open(folder.File(ModelFolder.SafetensorsFileName)).Select(t => t.Key).ToList();
        Assert.Contains("classifier.weight", keys);
        Assert.Contains("roberta.embeddings.word_embeddings.weight", keys);
        Assert.All(keys, k => Assert.True(k.StartsWith("roberta.", StringComparison.Ordinal) || k.StartsWith("classifier.", StringComparison.Ordinal), k));
        Assert.Equal(["end_transitions", "start_transitions", "transitions"], SafetensorsFile.Open(folder.File(TaggerFolder.CrfFileName)).Select(t => t.Key).Order(StringComparer.Ordinal));
        var config = File.ReadAllText(folder.File(ModelFolder.ConfigFile));
        Assert.Contains("XLMRobertaForTokenClassification", config, StringComparison.Ordinal);
        Assert.Contains("\"id2label\"", config, StringComparison.Ordinal);
        Assert.Contains("\"B-LOC\"", config, StringComparison.Ordinal);
    }

    [Fact]
    public void ASmallerWindowIsSavedAndLoadedWithTheTagger()
    {
        using var tagger = SyntheticNer.NewTagger(trained.Tokenizer, trained.Tagger.Labels, 2);
        tagger.MaxLength = 12;
        using var folder = TinyModels.Scratch();
        TaggerFolder.Save(tagger, trained.Tokenizer, folder.Path);
        var (loaded, tokenizer) = TaggerFolder.Load(folder.Path);
        using (loaded)
        {
            Assert.Equal(12, loaded.MaxLength);
            var sentence = trained.Test.Sentences.Select(s => s.Tokens).First(t => t.Count > 20);
            Assert.All(loaded.Encode(tokenizer, sentence).Windows, w => Assert.True(w.InputIds.Count <= 12));
            Assert.Equal(new NerPredictor(tagger, trained.Tokenizer).Predict([sentence]), new NerPredictor(loaded, tokenizer).Predict([sentence]));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => tagger.MaxLength = tagger.Config.MaxSequenceLength + 1);
    }

    [Fact]
    public void TheSameSeedGivesTheSameWeightsBitForBit()
    {
        var tokenizer = SyntheticNer.Tokenizer();
        var train = SyntheticNer.Corpus("train", 48, 1);
        var dev = SyntheticNer.Corpus("dev", 8, 2);
        var labels = TaggerLabels.FromTraining(train);
        NerTagger Run(ulong seed)
        {
            var tagger = SyntheticNer.NewTagger(tokenizer, labels, 5);
            NerTrainer.Train(tagger, tokenizer, train, dev, SyntheticNer.Options(seed, 1), cancellationToken: TestContext.Current.CancellationToken);
            return tagger;
        }
        using var first = Run(21);
        using var second = Run(21);
        using var other = Run(22);
        AssertSameParameters(first, second);
        var a = Bits(first);
        var b = Bits(other);
        Assert.False(a.Keys.All(name => a[name].SequenceEqual(b[name])), "a different seed shuffles and drops out differently");
    }

    [Fact]
    public void FromPretrainedTakesTheEncoderOfAMaskedLmFolder()
    {
        using var folder = TinyModels.SavedFolder(seed: 3);
        using var mlm = ModelFolder.LoadMaskedLm(folder.Path);
        var labels = new TaggerLabels(["O", "B-PER", "I-PER"], TagScheme.Iob2);
        using var tagger = NerTagger.FromPretrained(folder.Path, labels, 1);
        var source = mlm.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.Equal(source.Count(p => p.Key.StartsWith("roberta.", StringComparison.Ordinal)), tagger.EncoderParameters().Count);
        foreach (var (name, parameter) in tagger.EncoderParameters())
            Assert.True(Floats(parameter).SequenceEqual(Floats(source[name])), name);
        using var again = NerTagger.FromPretrained(folder.Path, labels, 1);
        AssertSameParameters(tagger, again);
    }

    [Fact]
    public void AnEncoderThatDoesNotMatchItsConfigListsEveryMissingAndMisshapenKey()
    {
        using var folder = TinyModels.SavedFolder();
        File.WriteAllText(folder.File(ModelFolder.ConfigFile), (TinyModels.Config() with { NumHiddenLayers = 3, VocabSize = 41 }).ToJson());
        var labels = new TaggerLabels(["O", "B-PER"], TagScheme.Iob2);

        var e = Assert.Throws<InputException>(() => NerTagger.FromPretrained(folder.Path, labels, 1));

        Assert.Contains(e.Problems, p => p.Message.StartsWith("missing key roberta.encoder.layer.2.", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Message.StartsWith("key roberta.embeddings.word_embeddings.weight: checkpoint has [40, 16], model expects [41, 16]", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Problems, p => p.Message.Contains("lm_head", StringComparison.Ordinal));
    }

    [Fact]
    public void AMaskedLmFolderOrAFolderWithoutConfigIsNotATagger()
    {
        using var mlmFolder = TinyModels.SavedFolder();
        var e = Assert.Throws<InputException>(() => TaggerFolder.Load(mlmFolder.Path));
        Assert.Contains(TaggerFolder.MetadataFileName, e.Message, StringComparison.Ordinal);

        using var folder = TinyModels.Scratch();
        TaggerFolder.Save(trained.Tagger, trained.Tokenizer, folder.Path);
        File.Delete(folder.File(ModelFolder.ConfigFile));
        e = Assert.Throws<InputException>(() => TaggerFolder.Load(folder.Path));
        Assert.Contains("no config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnseenDevTagsAndAnEmptyDevSetAreRefusedBeforeTraining()
    {
        var tokenizer = trained.Tokenizer;
        var train = SyntheticNer.Corpus("train", 20, 1);
        var labels = TaggerLabels.FromTraining(train);
        using var tagger = SyntheticNer.NewTagger(tokenizer, labels, 1);
        var dev = new Corpus("dev.txt", [new Sentence("dev:0", null, ["EU", "rejects"], ["B-ORG", "O"]) { Lines = [7, 8] }]);
        var e = Assert.Throws<InputException>(() => NerTrainer.Train(tagger, tokenizer, train, dev, SyntheticNer.Options(1, 1), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(e.Problems, p => p.Source == "dev.txt" && p.Line == 7 && p.Message.Contains("\"B-ORG\"", StringComparison.Ordinal));

        var empty = new Corpus("empty.txt", []);
        e = Assert.Throws<InputException>(() => NerTrainer.Train(tagger, tokenizer, train, empty, SyntheticNer.Options(1, 1), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(e.Problems, p => p.Source == "empty.txt" && p.Message.Contains("no sentences", StringComparison.Ordinal));
    }

    [Fact]
    public void ATrainingFileWithoutEntitiesIsRefused()
    {
        var corpus = new Corpus("plain.txt", [new Sentence("p:0", null, ["just", "words"], ["O", "O"])]);
        var e = Assert.Throws<InputException>(() => TaggerLabels.FromTraining(corpus));
        Assert.Contains("no entities", e.Message, StringComparison.Ordinal);
    }

    private static void AssertSameParameters(NerTagger expected, NerTagger actual)
    {
        var names = expected.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(names, actual.NamedParameters().Select(p => p.Name).ToList());
        var a = Bits(expected);
        var b = Bits(actual);
        foreach (var name in names)
            Assert.True(a[name].SequenceEqual(b[name]), $"{name} differs");
    }

    private static Dictionary<string, int[]> Bits(NerTagger tagger) =>
        tagger.NamedParameters().ToDictionary(p => p.Name, p => Floats(p.Parameter).Select(BitConverter.SingleToInt32Bits).ToArray());

    private static float[] Floats(Parameter parameter) => parameter.detach().cpu().contiguous().data<float>().ToArray();
}
