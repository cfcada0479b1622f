using Melm.Host.Cluster;
using Melm.Host.Tests.Commands;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Runs;
using Melm.Models.Mlm;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// The distributed pipeline's unit of work against the direct one: a method's rounds and the NER
/// filter run per (shard, round) item, in any order, then combined, write the same bytes as
/// augment's direct computation (AugmentPipeline.RunAndWrite) over the whole corpus.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed class ShardedGenerationTests
{
    [Theory]
    [InlineData(AugmentationMethod.Melm)]
    [InlineData(AugmentationMethod.Labelwise)]
    public async Task ItemsInAnyOrderGiveTheBytesOfTheWholeCorpusRun(AugmentationMethod method)
    {
        using var folder = new TempFolder();
        var demo = ConllReader.Read(SharedFiles.Repository("samples/demo/en/train.txt")).Sentences;
        var trainPath = folder.Combine("train.txt");
        ConllWriter.WriteSentences(demo.Take(14), trainPath);
        var devPath = folder.Combine("dev.txt");
        ConllWriter.WriteSentences(demo.Skip(14).Take(6), devPath);
        var corpus = CorpusFile.Read(trainPath);
        var pretrained = TinyModels.PretrainedFolder(folder);
        // MELM rewrites with a folder prepared with its markers; label-wise needs no model.
        var model = pretrained;
        if (method == AugmentationMethod.Melm)
        {
            model = folder.Combine("tuned");
            using var prepared = MelmModel.Prepare(pretrained, corpus.Sentences, method);
            prepared.Save(model);
        }
        var tagger = folder.Combine("tagger");
        NerTrainer.TrainAndSave(pretrained, corpus, CorpusFile.Read(devPath), new NerTrainingOptions { Seed = 2, Epochs = 9, LearningRate = 1e-2, BatchSize = 4 }, CPU, tagger);
        var generation = new GenerationOptions(Rounds: 3, BatchSize: 5, Seed: 7);

        var direct = folder.Combine("direct");
        var rewriter = Rewriters.Open(method, model, corpus.Sentences, generation);
        using (rewriter as IDisposable)
        using (var filter = AugmentPipeline.LoadFilter(tagger, CPU))
            AugmentPipeline.RunAndWrite(rewriter, corpus, generation.Rounds, filter.Predictor, generation.BatchSize, direct);

        var spec = RunSpecs.For(corpus, new RunInputs(trainPath, model, AugmentationMethods.Name(method), tagger, generation), shardSize: 3, folder.Combine("sharded"));
        var results = new Dictionary<ItemKey, ItemResult>();
        using (var processor = new MelmItemProcessor(CPU))
        {
            foreach (var item in WorkPlan.Items(spec).Reverse())
                results[item.Key] = await processor.ProcessAsync(item, TestContext.Current.CancellationToken);
        }
        var written = RunOutput.Write(spec, results);

        var names = Directory.GetFiles(direct).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names, written.Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(direct, name!)), File.ReadAllBytes(Path.Combine(spec.OutputFolder, name!)));
        var summary = AugmentationOutput.ReadSummary(direct)!;
        Assert.Equal(("ner", AugmentationMethods.Name(method)), (summary.Filter, summary.Method));
        // The filter keeps some and drops some, so its verdicts per item are really compared.
        Assert.True(summary.Kept > 0 && summary.Dropped["filter"] > 0,
            string.Join(", ", summary.Dropped.Select(d => $"{d.Key} {d.Value}")) + $", kept {summary.Kept}");
    }
}
