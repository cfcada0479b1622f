using Melm.Host.Cluster;
using Melm.Host.Commands;
using Melm.Host.Tests.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Runs;
using static TorchSharp.torch;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// The distributed pipeline's unit of work against the direct one: MELM generation and the NER
/// filter run per (shard, round) item, in any order, then assembled, write the same bytes as
/// `melm generate` with the filter over the whole corpus.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed class ShardedGenerationTests
{
    [Fact]
    public async Task ItemsInAnyOrderGiveTheBytesOfTheWholeCorpusRun()
    {
        using var folder = new TempFolder();
        var demo = ConllReader.Read(SharedFiles.Repository("samples/demo/en/train.txt")).Sentences;
        var trainPath = folder.Combine("train.txt");
        ConllWriter.WriteSentences(demo.Take(14), trainPath);
        var devPath = folder.Combine("dev.txt");
        ConllWriter.WriteSentences(demo.Skip(14).Take(6), devPath);
        var corpus = CorpusFile.Read(trainPath);
        var pretrained = TinyModels.PretrainedFolder(folder);
        var tuned = folder.Combine("tuned");
        using (var prepared = MelmModel.Prepare(pretrained, corpus.Sentences, AugmentationMethod.Melm))
            prepared.Save(tuned);
        var tagger = folder.Combine("tagger");
        NerCommand.TrainAndSave(pretrained, corpus, CorpusFile.Read(devPath), new NerTrainingOptions { Seed = 2, Epochs = 9, LearningRate = 1e-2, BatchSize = 4 }, CPU, null, tagger);
        var generation = new GenerationOptions(Rounds: 3, BatchSize: 5, Seed: 7);

        var direct = folder.Combine("direct");
        using (var model = MelmModel.Load(tuned))
        {
            var (nerTagger, tokenizer) = TaggerFolder.Load(tagger);
            using (nerTagger)
                GenerateCommand.GenerateAndWrite(model, corpus, trainPath, generation, new NerPredictor(nerTagger, tokenizer), direct);
        }

        var spec = RunSpecs.For(corpus, new RunInputs(trainPath, tuned, "melm", tagger, generation), shardSize: 3, folder.Combine("sharded"));
        var results = new Dictionary<ItemKey, ItemResult>();
        using (var processor = new MelmItemProcessor(CPU))
        {
            foreach (var item in WorkPlan.Items(spec).Reverse())
                results[item.Key] = await processor.ProcessAsync(item, TestContext.Current.CancellationToken);
        }
        RunOutput.Write(spec, RunOutput.Assemble(spec, results));

        foreach (var name in new[] { AugmentationOutput.AugmentedConll, AugmentationOutput.AugmentedJsonLines, AugmentationOutput.GoldPlusAugmented, AugmentationOutput.SummaryFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(direct, name)), File.ReadAllBytes(Path.Combine(spec.OutputFolder, name)));
        var summary = AugmentationOutput.ReadSummary(direct);
        Assert.Equal("ner", summary.Filter);
        // The filter both keeps and drops, so its verdicts per item are really compared.
        Assert.True(summary.Kept > 0 && summary.Dropped["filter"] > 0,
            string.Join(", ", summary.Dropped.Select(d => $"{d.Key} {d.Value}")) + $", kept {summary.Kept}");
    }
}
